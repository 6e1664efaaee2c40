import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// Every relative link of the repository's Markdown resolves inside the repository: to a file or a directory that
// exists, and, for `#anchor` links into Markdown, to one of its headings' GitHub anchors. Links to the web
// (http, https, mailto) are not followed; links inside fenced code blocks and code spans are not links.

const REPO_ROOT = realpathSync(join(dirname(fileURLToPath(import.meta.url)), '..'));

/** Directories that hold no documentation of ours: dependencies and builds anywhere, and what .gitignore keeps out. */
const SKIPPED_NAMES = new Set(['node_modules', 'dist', 'coverage']);
const SKIPPED_PATHS = new Set(['data', join('bench', 'results'), join('test', 'console', 'screenshots')]);

/** The Markdown files under `dir`, leaving out dot-directories (.git, .ci, the client's .pack-test) too. */
function markdownFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name.startsWith('.') || SKIPPED_NAMES.has(entry.name) || SKIPPED_PATHS.has(relative(REPO_ROOT, path))) continue;
    if (entry.isDirectory()) found.push(...markdownFiles(path));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.md')) found.push(path);
  }
  return found.sort();
}

/** The lines of `markdown`, with those of fenced code blocks (``` or ~~~), fences included, as empty lines. */
function outsideFences(markdown: string): string[] {
  let fence: string | null = null;
  return markdown.split('\n').map((line) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
      return '';
    }
    if (marker) {
      fence = marker;
      return '';
    }
    return line;
  });
}

/** The same, with code spans blanked too: what is left is where links can be. */
function proseLines(markdown: string): string[] {
  return outsideFences(markdown).map((line) => line.replace(/(`+)[^`]*?\1/g, (span) => ' '.repeat(span.length)));
}

/** GitHub's anchor for a heading: its text as rendered, lower-cased, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .trim();
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor of `markdown`'s headings, with GitHub's -1, -2 … for repeated ones. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of outsideFences(markdown)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = anchorOf(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

interface Link {
  line: number;
  target: string;
}

/** The inline links and images, and the reference definitions, of `markdown`'s prose, with their lines. */
function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  proseLines(markdown).forEach((line, i) => {
    for (const match of line.matchAll(/\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) {
      links.push({ line: i + 1, target: match[1]!.replace(/^<|>$/g, '') });
    }
    const definition = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(line);
    if (definition) links.push({ line: i + 1, target: definition[1]!.replace(/^<|>$/g, '') });
  });
  return links;
}

/** Why `link` of `file` does not resolve inside `root`, or null when it does. */
function problemWith(file: string, link: Link, root: string = REPO_ROOT): string | null {
  const { target } = link;
  if (/^(https?|mailto):/i.test(target)) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    return `${target}: not a relative link (only http, https and mailto are allowed besides)`;
  }
  const hash = target.indexOf('#');
  let pathPart: string;
  let anchor: string | null;
  try {
    pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
    anchor = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
  } catch {
    return `${target}: not a valid URL-encoded path`;
  }
  const resolved = pathPart === '' ? file : isAbsolute(pathPart) ? join(root, pathPart) : resolve(dirname(file), pathPart);
  const inside = (path: string) => path === root || path.startsWith(root + sep);
  if (!inside(resolved)) return `${target}: outside the repository (${relative(root, resolved)})`;
  if (!existsSync(resolved)) return `${target}: no such file (${relative(root, resolved)})`;
  if (!inside(realpathSync(resolved))) return `${target}: a link out of the repository`;
  if (anchor === null || anchor === '') return null;
  if (statSync(resolved).isDirectory() || !resolved.toLowerCase().endsWith('.md')) return null;
  if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) {
    return `${target}: no heading of ${relative(root, resolved)} has the anchor #${anchor}`;
  }
  return null;
}

/** Every broken link of the Markdown under `root`, as `file:line: why`. */
function brokenLinks(root: string = REPO_ROOT): string[] {
  return markdownFiles(root).flatMap((file) =>
    linksOf(readFileSync(file, 'utf8')).flatMap((link) => {
      const problem = problemWith(file, link, root);
      return problem ? [`${relative(root, file)}:${link.line}: ${problem}`] : [];
    }),
  );
}

describe('links in the documentation', () => {
  test('the Markdown files looked at include the README and docs/', () => {
    const files = markdownFiles(REPO_ROOT).map((file) => relative(REPO_ROOT, file));
    expect(files).toEqual(expect.arrayContaining(['README.md', join('docs', 'api.md'), join('bench', 'README.md')]));
    expect(files.some((file) => file.split(sep).includes('node_modules'))).toBe(false);
  });

  test('every relative link resolves to a file, or a heading, inside the repository', () => {
    expect(brokenLinks()).toEqual([]);
  });

  test('GitHub anchors: code, punctuation and repeated headings', () => {
    expect(anchorOf('Product environments (`sub_accounts`)')).toBe('product-environments-sub_accounts');
    expect(anchorOf('Internal services: `@castellan/client`')).toBe('internal-services-castellanclient');
    expect(anchorOf("What Cloudinary's SDK expects")).toBe('what-cloudinarys-sdk-expects');
    expect(anchorOf('No escalation: the grant invariant')).toBe('no-escalation-the-grant-invariant');
    expect([...anchorsOf('# A\n## B\n```\n# not a heading\n```\n## B\n')]).toEqual(['a', 'b', 'b-1']);
  });

  test('links are found outside code only, and what is broken is named', () => {
    const markdown = [
      'See [the API](docs/api.md#the-account), [gone](docs/gone.md), [out](../elsewhere.md "title"),',
      '[a heading that is not](docs/api.md#nowhere), [web](https://example.com/x.md) and `[code](span.md)`.',
      '```md',
      '[fenced](fenced.md)',
      '```',
      '[ref]: ./README.md#no-such-heading',
    ].join('\n');
    expect(linksOf(markdown).map((link) => `${link.line} ${link.target}`)).toEqual([
      '1 docs/api.md#the-account',
      '1 docs/gone.md',
      '1 ../elsewhere.md',
      '2 docs/api.md#nowhere',
      '2 https://example.com/x.md',
      '6 ./README.md#no-such-heading',
    ]);
    const file = join(REPO_ROOT, 'README.md');
    const problems = linksOf(markdown).map((link) => problemWith(file, link));
    expect(problems).toEqual([
      null,
      'docs/gone.md: no such file (docs/gone.md)',
      `../elsewhere.md: outside the repository (${join('..', 'elsewhere.md')})`,
      'docs/api.md#nowhere: no heading of docs/api.md has the anchor #nowhere',
      null,
      './README.md#no-such-heading: no heading of README.md has the anchor #no-such-heading',
    ]);
  });
});
