import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { loadConfig } from '@castellan/core';
import { Mailer } from './mailer.js';

const config = (env: Record<string, string>) =>
  loadConfig({ SECRET_PEPPER: 'p'.repeat(32), MAIL_FROM: 'Castellan <noreply@castellan.test>', ...env });
const MESSAGE = { to: 'ada@example.com', subject: 'Your code', text: 'Your code is 042917' };

/** Just enough SMTP to take one message: what the server received, as lines. */
function fakeSmtpServer(): { server: Server; received: string[] } {
  const received: string[] = [];
  const server = createServer((socket) => {
    let inData = false;
    let buffer = '';
    socket.write('220 fake ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        received.push(line);
        if (inData) {
          if (line === '.') {
            inData = false;
            socket.write('250 queued\r\n');
          }
        } else if (/^(EHLO|HELO)/i.test(line)) socket.write('250 fake\r\n');
        else if (/^DATA/i.test(line)) {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  return { server, received };
}

describe('Mailer', () => {
  afterEach(() => jest.restoreAllMocks());

  test('without SMTP_URL, writes the whole message to the log (the documented development fallback)', async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    await new Mailer(config({})).send(MESSAGE);
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]![0])).toEqual(expect.stringContaining('ada@example.com'));
    expect(String(log.mock.calls[0]![0])).toEqual(expect.stringContaining('Your code is 042917'));
  });

  test('with SMTP_URL, sends through that server from MAIL_FROM, and logs nothing', async () => {
    const { server, received } = fakeSmtpServer();
    try {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const mailer = new Mailer(config({ SMTP_URL: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}` }));
      const log = jest.spyOn(Logger.prototype, 'log');
      await mailer.send(MESSAGE);
      mailer.onModuleDestroy();
      expect(log).not.toHaveBeenCalled();
    } finally {
      server.close();
    }
    expect(received).toEqual(
      expect.arrayContaining([
        'MAIL FROM:<noreply@castellan.test>',
        'RCPT TO:<ada@example.com>',
        'Subject: Your code',
        'Your code is 042917',
      ]),
    );
  });
});
