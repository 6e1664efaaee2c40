import { jest } from '@jest/globals';
import { generateSecret, KeyKind, SECRET_PREFIXES } from '../secrets/secret-format.js';
import { withRequestId } from './request-context.js';
import { RequestLogger, redactSecrets } from './request-logger.js';

const ANSI = /\x1b\[[0-9;]*m/g;

/** What the logger writes to stdout and stderr while `fn` runs, colours removed. */
function written(fn: () => void): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  const spies = (['stdout', 'stderr'] as const).map((stream) =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      out[stream] += String(chunk).replace(ANSI, '');
      return true;
    }),
  );
  try {
    fn();
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
  return out;
}

describe('redactSecrets', () => {
  test.each(Object.keys(SECRET_PREFIXES) as KeyKind[])('hides a secret of kind %s, and keeps its prefix and the text around it', (kind) => {
    const secret = generateSecret(kind);
    expect(redactSecrets(`GET /x/${secret}?a=1 and ${secret}`)).toBe(
      `GET /x/${SECRET_PREFIXES[kind]}_…[redacted]?a=1 and ${SECRET_PREFIXES[kind]}_…[redacted]`,
    );
  });

  test('hides look-alikes whose checksum is wrong, and leaves shorter strings and other prefixes alone', () => {
    expect(redactSecrets(`cstle_${'a'.repeat(38)}`)).toBe('cstle_…[redacted]');
    expect(redactSecrets(`cstle_${'a'.repeat(37)} cstlx_${'a'.repeat(38)}`)).toBe(`cstle_${'a'.repeat(37)} cstlx_${'a'.repeat(38)}`);
  });
});

describe('RequestLogger', () => {
  test('prefixes the lines written while a request is served with its id, and no others', () => {
    const logger = new RequestLogger(['log']);
    const { stdout } = written(() => {
      logger.log('outside', 'Ctx');
      withRequestId('req-1', () => logger.log('inside', 'Ctx'));
    });
    const [outside, inside] = stdout.trimEnd().split('\n');
    expect(outside).toMatch(/LOG \[Ctx\] outside$/);
    expect(inside).toMatch(/LOG \[Ctx\] \[req req-1\] inside$/);
  });

  test('writes only the levels it is given', () => {
    const logger = new RequestLogger(['error', 'warn']);
    const out = written(() => {
      logger.log('hidden');
      logger.debug('hidden');
      logger.warn('shown warning');
      logger.error('shown error');
    });
    expect(out.stdout).not.toContain('hidden');
    expect(out.stdout).toContain('shown warning');
    expect(out.stderr).toContain('shown error');
  });

  test("Nest's start-up narration (modules, routes) is debug output; other log lines are not", () => {
    const narrate = (logger: RequestLogger) =>
      written(() => {
        logger.log('Mapped {/v1_1/authorize, POST} route', 'RouterExplorer');
        logger.log('AppModule dependencies initialized', 'InstanceLoader');
        logger.log('The database answers again', 'Database');
      }).stdout;
    const atLog = narrate(new RequestLogger(['log']));
    expect(atLog).not.toMatch(/Mapped|initialized/);
    expect(atLog).toContain('The database answers again');
    expect(narrate(new RequestLogger(['log', 'debug']))).toMatch(/DEBUG \[RouterExplorer\] Mapped \{\/v1_1\/authorize, POST\} route/);
  });

  test('redacts secrets from messages, objects and stack traces', () => {
    const secret = generateSecret('account');
    const logger = new RequestLogger(['log', 'error']);
    const out = written(() => {
      logger.log(`key ${secret}`);
      logger.log({ api_secret: secret });
      logger.error('failed', `Error: ${secret}\n    at somewhere (file.ts:1:1)`, 'Ctx');
    });
    const everything = out.stdout + out.stderr;
    expect(everything).not.toContain(secret);
    expect(everything.match(/cstla_…\[redacted\]/g)).toHaveLength(3);
  });
});
