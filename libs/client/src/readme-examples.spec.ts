import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { installPackedClient, packageDir, type PackedClient } from './packed-client.fixture.js';

// Every ```ts block of the client's documentation is a file of a service that installed the packed package, and
// must type-check as one: strict, with the decorator settings a Nest service compiles with. The project's
// TypeScript checks them through its API, as `tsc --noEmit` would, but file by file: tsc itself stops before
// the type check when any file has a syntax error, and would then call the other examples sound.

const repoDir = join(packageDir, '..', '..');
const SECTION = '## Internal services: `@castellan/client`';

interface Example {
  /** The README, from the repository's root. */
  readme: string;
  /** The README's line of the block's opening fence. */
  line: number;
  file: string;
  code: string;
}

/** The ```ts blocks of `lines`, whose first line is line `offset + 1` of the README. */
function examplesOf(readme: string, lines: string[], offset: number): Example[] {
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`${readme}:${offset + i + 1}: the block is not closed`);
    const [name, line] = [relative(repoDir, readme), offset + i + 1];
    examples.push({ readme: name, line, file: `${name.replace(/\W/g, '_')}_${line}.ts`, code: lines.slice(i + 1, end).join('\n') + '\n' });
    i = end;
  }
  if (examples.length === 0) throw new Error(`no \`\`\`ts block in ${readme}`);
  return examples;
}

function sectionExamples(readme: string, heading: string): Example[] {
  const lines = readFileSync(readme, 'utf8').split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`${readme} has no section ${heading}`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return examplesOf(readme, lines.slice(start, end < 0 ? undefined : end), start);
}

const clientReadme = join(packageDir, 'README.md');
const examples = [
  ...examplesOf(clientReadme, readFileSync(clientReadme, 'utf8').split('\n'), 0),
  ...sectionExamples(join(repoDir, 'README.md'), SECTION),
];

const COMPILER_OPTIONS = {
  strict: true,
  module: 'nodenext',
  moduleResolution: 'nodenext',
  target: 'es2023',
  lib: ['es2023'],
  types: ['node'],
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  isolatedModules: true,
  esModuleInterop: true,
  skipLibCheck: true,
};

let packed: PackedClient;
/** The diagnostics of each example, at their lines in the README: `libs/client/README.md:95:3 TS2304: …`. */
const diagnostics = new Map<Example, string[]>();
/** What the compiler said of no example in particular, such as its options. */
let elsewhere: string[];

beforeAll(() => {
  packed = installPackedClient();
  const dir = join(packed.consumer, 'examples');
  mkdirSync(dir);
  for (const { file, code } of examples) writeFileSync(join(dir, file), code);
  // Named as the service's tsconfig.json, so that @types resolve from its node_modules, as they would for tsc.
  const tsconfig = join(packed.consumer, 'tsconfig.json');
  const json = { compilerOptions: COMPILER_OPTIONS, include: ['examples/*.ts'] };
  const config = ts.parseJsonConfigFileContent(json, ts.sys, packed.consumer, undefined, tsconfig);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  elsewhere = [...config.errors, ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map((d) => located(d, 0));
  for (const example of examples) {
    const source = program.getSourceFile(join(dir, example.file))!;
    const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    diagnostics.set(
      example,
      found.map((d) => `${example.readme}:${located(d, example.line)}`),
    );
  }
}, 180_000);
afterAll(() => packed?.remove());

/** `line:column TScode: message`, the line counted from `firstLine`. */
function located(diagnostic: ts.Diagnostic, firstLine: number): string {
  const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  if (!diagnostic.file || diagnostic.start === undefined) return message;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${firstLine + line + 1}:${character + 1} ${message}`;
}

it.each(examples)('the example at $readme:$line compiles', (example) => {
  expect(diagnostics.get(example)).toEqual([]);
});

it('the compiler has nothing else to say', () => {
  expect(elsewhere).toEqual([]);
});
