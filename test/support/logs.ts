import { jest } from '@jest/globals';

const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Keeps what the process writes to stderr (the server's error log, in-process) out of the test output until
 * `stop`, and lets the test read it: a suite that causes errors on purpose checks them instead of printing them.
 */
export function captureStderr(): { text(): string; stop(): void } {
  let written = '';
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk).replace(ANSI, '');
    return true;
  });
  return { text: () => written, stop: () => spy.mockRestore() };
}
