import { readFile } from 'node:fs/promises';
import { scanForSecrets } from '@castellan/core';

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
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function readError(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = (code ? READ_ERRORS[code] : undefined) ?? (error instanceof Error ? error.message : String(error));
  return `error: ${file}: ${reason}\n`;
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
      text = file === STDIN ? await readStdin() : await readFile(file, 'utf8');
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
    for (const f of findings) process.stdout.write(`${f.file}:${f.line}:${f.column}  ${f.kind}  ${f.api_key ?? 'unknown'}  ${f.secret_preview}\n`);
  }
  return failed ? SCAN_EXIT.error : findings.length > 0 ? SCAN_EXIT.found : SCAN_EXIT.clean;
}
