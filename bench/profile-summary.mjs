// Self time of a V8 .cpuprofile, by function and by package. Usable alone:
//   node bench/profile-summary.mjs bench/results/<file>.cpuprofile [--top 25]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const ms = (us) => us / 1000;

/** Where a frame's code comes from: an npm package, a Castellan lib, Node itself, or V8's own pseudo-frames. */
export function origin(callFrame) {
  const { url, functionName } = callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node (internals)';
  const inModules = url.lastIndexOf('/node_modules/');
  if (inModules >= 0) {
    const parts = url.slice(inModules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const lib = /\/dist\/(libs\/[^/]+|apps\/[^/]+)\//.exec(url);
  if (lib) return `castellan ${lib[1]}`;
  return basename(url);
}

function where(callFrame) {
  if (!callFrame.url) return '';
  const file = callFrame.url.replace(/^file:\/\//, '');
  const inModules = file.lastIndexOf('/node_modules/');
  const short = inModules >= 0 ? file.slice(inModules + '/node_modules/'.length) : file.replace(/^.*\/dist\//, 'dist/');
  return `${short}:${callFrame.lineNumber + 1}`;
}

/**
 * Sums each sample's duration (the time to the next sample) onto the frame it landed in. `busy` leaves out
 * (idle): the time the process waited for I/O with nothing to run. `from` and `to` (microseconds of the
 * monotonic clock, which V8's profile timestamps and process.hrtime share on Linux) keep only the samples of
 * a window, e.g. the measured load without the server's start.
 */
export function summarise(profile, { top = 25, from = -Infinity, to = Infinity } = {}) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const { samples, timeDeltas } = profile;
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += timeDeltas[i];
    if (at < from || at > to) continue;
    const duration = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + duration);
  }
  const byFunction = new Map();
  const byOrigin = new Map();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const { callFrame } = nodes.get(id);
    total += us;
    if (callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const name = `${callFrame.functionName || '(anonymous)'}  ${where(callFrame)}`;
    const fn = byFunction.get(name) ?? {
      function: callFrame.functionName || '(anonymous)',
      where: where(callFrame),
      origin: origin(callFrame),
      us: 0,
    };
    fn.us += us;
    byFunction.set(name, fn);
    const o = origin(callFrame);
    byOrigin.set(o, (byOrigin.get(o) ?? 0) + us);
  }
  const busy = total - idle;
  const share = (us) => Math.round((1000 * us) / busy) / 10;
  return {
    totalMs: Math.round(ms(total)),
    idleMs: Math.round(ms(idle)),
    busyMs: Math.round(ms(busy)),
    functions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ function: f.function, where: f.where, origin: f.origin, selfMs: Math.round(ms(f.us)), percent: share(f.us) })),
    origins: [...byOrigin.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ origin: name, selfMs: Math.round(ms(us)), percent: share(us) })),
  };
}

export function formatSummary(summary) {
  const lines = [
    `sampled ${summary.totalMs} ms: ${summary.busyMs} ms on the CPU, ${summary.idleMs} ms idle; shares are of the CPU time`,
    '',
    'self time by package:',
    ...summary.origins.slice(0, 20).map((o) => `  ${String(o.percent).padStart(5)}%  ${String(o.selfMs).padStart(6)} ms  ${o.origin}`),
    '',
    `top ${summary.functions.length} functions by self time:`,
    ...summary.functions.map((f) => `  ${String(f.percent).padStart(5)}%  ${String(f.selfMs).padStart(6)} ms  ${f.function}  ${f.where}`),
  ];
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, flag, count] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/profile-summary.mjs FILE.cpuprofile [--top N]\n');
    process.exit(2);
  }
  const top = flag === '--top' ? Number(count) : 25;
  process.stdout.write(formatSummary(summarise(JSON.parse(readFileSync(file, 'utf8')), { top })) + '\n');
}
