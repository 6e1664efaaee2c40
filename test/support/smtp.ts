import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail as the SMTP server received it, parsed. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface TestSmtp {
  /** SMTP_URL for a server under test. */
  url: string;
  /** Every mail accepted, in the order the server accepted them. */
  mails: ReceivedMail[];
  /** Every mail refused (see refuseNext), as it was offered. */
  refused: ReceivedMail[];
  /** The next `count` messages are refused (554), as a mail server that is failing refuses them. */
  refuseNext(count?: number): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server on a free port of 127.0.0.1, for the suites that check what Castellan mails. A message is in
 * `mails` before the server acknowledges it, so it is there by the time the request that sent it is answered.
 */
export async function startSmtp(): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  const refused: ReceivedMail[] = [];
  let refusing = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const envelope = session.envelope;
          const mail = {
            from: envelope.mailFrom ? envelope.mailFrom.address : '',
            to: envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
          };
          if (refusing > 0) {
            refusing--;
            refused.push(mail);
            return callback(Object.assign(new Error('Message refused by the test server'), { responseCode: 554 }));
          }
          mails.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refused,
    refuseNext: (count = 1) => void (refusing = count),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
