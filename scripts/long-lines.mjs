#!/usr/bin/env node
// Fails on code lines longer than 140 characters: `node scripts/long-lines.mjs [file …]` (part of `npm run lint`).
//
// Prettier (.prettierrc.json, printWidth 140) breaks every line it can; what it cannot break is a long string, template
// literal, test name, comment or JSX text, and that is what this finds: split the string (`'…' +` on the next line),
// reword the title, wrap the comment. ESLint's own max-len is deprecated, and its successor (@stylistic) is not installed.
//
// Counted: the TypeScript and JavaScript files git knows (tracked, or new and not ignored), or the files named.
// Not counted: generated files (*.generated.ts), an import or export … from line (a path is not split), and a line that
// fits once its URLs are taken out (a URL is not split either).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const MAX = 140;
const CODE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const GENERATED = /\.generated\.ts$/;
const IMPORT_OR_REEXPORT = /^\s*(import|export)\b.*\bfrom\s+['"][^'"]+['"];?\s*$|^\s*import\s+['"][^'"]+['"];?\s*$/;
const URL = /\bhttps?:\/\/[^\s'"`)<>]+/g;

const length = (text) => [...text].length;

function filesToCheck(named) {
  const files = named.length
    ? named
    : execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { encoding: 'utf8', maxBuffer: 64 << 20 })
        .split('\0')
        .filter(Boolean);
  // A tracked file deleted in the working tree is not there to check.
  return files.filter((file) => CODE.test(file) && !GENERATED.test(file) && existsSync(file));
}

function longLines(file) {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .flatMap((line, i) =>
      length(line) > MAX && !IMPORT_OR_REEXPORT.test(line) && length(line.replace(URL, '')) > MAX
        ? [`${file}:${i + 1}: ${length(line)} characters`]
        : [],
    );
}

const found = filesToCheck(process.argv.slice(2)).flatMap(longLines);
for (const line of found) console.log(line);
if (found.length) {
  const lines = found.length === 1 ? '1 line' : `${found.length} lines`;
  console.error(`\n${lines} longer than ${MAX} characters: split them (scripts/long-lines.mjs says how)`);
  process.exitCode = 1;
}
