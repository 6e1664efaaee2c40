import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { scanForSecrets } from '@castellan/core';
import { printable } from './printable.js';

/** Exit codes, as grep and gitleaks use them: CI fails a job on anything but 0. */
export const SCAN_EXIT = { clean: 0, found: 1, error: 2 } as const;

/** The file name that means standard input, and how findings name it. */
const STDIN = '-';
const STDIN_NAME = '(stdin)';

interface LocatedFinding {
  file: string;
  line: number;
  column: number;
  kind: string;
  api_key: string | null;
  secret_preview: string;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  NOT_REGULAR: 'not a regular file (a FIFO, a socket or a device would be read without end)',
};

/**
 * A regular file's text. Anything else is refused without reading: a FIFO with no writer blocks for ever, and a
 * device such as /dev/zero never ends. The file is opened without blocking (so a FIFO does not wait for a writer)
 * and checked through the same descriptor it is read from, so it cannot be swapped in between.
 */
async function readRegularFile(file: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'NOT_REGULAR' });
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function readError(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = (code ? READ_ERRORS[code] : undefined) ?? (error instanceof Error ? error.message : String(error));
  return `error: ${printable(file)}: ${reason}\n`;
}

/**
 * `scan [files...]`: reports every Castellan secret in the files (standard input when none are given, or for
 * `-`) and never prints one whole: only its prefix and first 4 characters. Opens no database and reads no
 * configuration. Returns the exit code: 1 when something was found, 2 when a file could not be read (its
 * error on stderr, the other files still scanned), 0 otherwise.
 */
export async function scanCommand(files: string[], opts: { json?: boolean }): Promise<number> {
  const findings: LocatedFinding[] = [];
  let failed = false;
  for (const file of files.length > 0 ? files : [STDIN]) {
    const name = file === STDIN ? STDIN_NAME : file;
    let text: string;
    try {
      text = file === STDIN ? await readStdin() : await readRegularFile(file);
    } catch (error) {
      process.stderr.write(readError(name, error));
      failed = true;
      continue;
    }
    for (const f of scanForSecrets(text)) {
      findings.push({ file: name, line: f.line, column: f.column, kind: f.kind, api_key: f.apiKey, secret_preview: f.preview });
    }
  }
  if (opts.json) process.stdout.write(JSON.stringify(findings) + '\n');
  else {
    // A file name is the one text here that comes from outside: a newline or an escape in it must not fake a line.
    for (const f of findings)
      process.stdout.write(`${printable(f.file)}:${f.line}:${f.column}  ${f.kind}  ${f.api_key ?? 'unknown'}  ${f.secret_preview}\n`);
  }
  return failed ? SCAN_EXIT.error : findings.length > 0 ? SCAN_EXIT.found : SCAN_EXIT.clean;
}
