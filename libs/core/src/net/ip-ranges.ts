import { BlockList, isIP } from 'node:net';
import { AppError } from '../errors/app-error.js';

/** The most ranges one allowlist may hold: enough for any real network, small enough to check on every request. */
export const MAX_ALLOWED_IP_RANGES = 100;

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is the IPv4 address 10.0.0.1, and is shown so. */
export function clientAddress(ip: string): string {
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;
}

/** Error messages quote what was given, cut short: a field may hold a megabyte. */
function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

function ipv4Value(ip: string): bigint {
  return ip.split('.').reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
}

/** `ip` has passed isIP, so every group is valid hex and a dotted tail is a valid IPv4 address. */
function ipv6Value(ip: string): bigint {
  const words = (part: string): bigint[] =>
    part === ''
      ? []
      : part.split(':').flatMap((w) => (w.includes('.') ? [ipv4Value(w) >> 16n, ipv4Value(w) & 0xffffn] : [BigInt(`0x${w}`)]));
  const [head = '', tail] = ip.split('::');
  const start = words(head);
  const end = tail === undefined ? [] : words(tail);
  const all = [...start, ...Array<bigint>(8 - start.length - end.length).fill(0n), ...end];
  return all.reduce((value, word) => (value << 16n) | word, 0n);
}

function ipv4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

function ipv6Text(value: bigint): string {
  const words = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16));
  // The URL parser writes IPv6 in its RFC 5952 form: lower case, the longest run of zeros as "::".
  return new URL(`http://[${words.join(':')}]/`).hostname.slice(1, -1);
}

/**
 * A CIDR range (or a single address, which stands for /32 or /128) in canonical text, or an error message
 * for the caller. Host bits are cleared, as every router reads the range: 10.1.2.3/8 is 10.0.0.0/8, and the
 * answer shows it so. IPv4-mapped IPv6 ranges (::ffff:10.0.0.0/104) are written as the IPv4 ones they are.
 */
export function parseCidr(text: string): { range: string } | { error: string } {
  const [address = '', prefix, ...rest] = text.trim().split('/');
  // A zone (fe80::1%eth0) names an interface of this host: it means nothing for a remote client.
  const family = address.includes('%') ? 0 : isIP(address);
  if (family === 0 || rest.length > 0) return { error: `${quote(text)} is not an IPv4 or IPv6 address or CIDR range` };
  const bits = family === 4 ? 32 : 128;
  if (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits)) {
    return { error: `${quote(text)} has a prefix length outside 0..${bits}` };
  }
  const length = prefix === undefined ? bits : Number(prefix);
  const all = (1n << BigInt(bits)) - 1n;
  const network = (family === 4 ? ipv4Value(address) : ipv6Value(address)) & (all ^ (all >> BigInt(length)));
  if (family === 4) return { range: `${ipv4Text(network)}/${length}` };
  if (length >= 96 && network >> 32n === 0xffffn) return { range: `${ipv4Text(network & 0xffffffffn)}/${length - 96}` };
  return { range: `${ipv6Text(network)}/${length}` };
}

/** Validates and normalises an allowlist (duplicates dropped); throws the first problem as a message. */
export function normaliseRanges(list: readonly unknown[]): string[] {
  if (list.length > MAX_ALLOWED_IP_RANGES) throw new Error(`at most ${MAX_ALLOWED_IP_RANGES} ranges are allowed, got ${list.length}`);
  return [
    ...new Set(
      list.map((item) => {
        if (typeof item !== 'string') throw new Error(`${quote(item)} is not an IPv4 or IPv6 address or CIDR range`);
        const parsed = parseCidr(item);
        if ('error' in parsed) throw new Error(parsed.error);
        return parsed.range;
      }),
    ),
  ];
}

const compiled = new Map<string, BlockList>();
const MAX_COMPILED = 10_000;

function blockList(ranges: readonly string[]): BlockList {
  const id = ranges.join(',');
  let list = compiled.get(id);
  if (!list) {
    list = new BlockList();
    for (const range of ranges) {
      const [ip, prefix] = range.split('/') as [string, string];
      list.addSubnet(ip, Number(prefix), isIP(ip) === 4 ? 'ipv4' : 'ipv6');
    }
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(id, list);
  }
  return list;
}

/**
 * Whether a client address is inside one of the (normalised) ranges. An empty list allows nothing. IPv4
 * clients match IPv4 ranges whether the socket shows them as 10.0.0.1 or ::ffff:10.0.0.1.
 */
export function ipInRanges(ip: string, ranges: readonly string[]): boolean {
  const address = clientAddress(ip);
  const family = isIP(address);
  if (family === 0) return false;
  return blockList(ranges).check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Refuses an allowlist that the very request setting it would fail: a caller who narrows its own key or its
 * account keeps the address it calls from, so that a typo cannot lock it out. `ranges` null or undefined
 * (removed, or not changed) locks nobody out.
 */
export function refuseLockOut(ranges: readonly string[] | null | undefined, callerIp: string): void {
  if (ranges && !ipInRanges(callerIp, ranges)) {
    throw AppError.conflict(
      `allowed_ips does not include ${clientAddress(callerIp)}, the address of this request: the change would lock the caller out`,
      'allowed_ips',
    );
  }
}
