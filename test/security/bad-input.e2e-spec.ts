import type { Response } from 'supertest';
import { Form, Payload, RawJson, withBody } from '../support/http.js';
import type { RegisteredRoute } from '../support/routes.js';
import { validBody } from './support/bodies.js';
import { request, startInputSuite } from './support/input-suite.js';
import { changes, snapshot } from './support/database.js';
import { pathFor, Target } from './support/fixture.js';
import {
  badQueryValues,
  badValues,
  CONDITIONED_RULE,
  exampleOf,
  inputOf,
  LONG_STRING,
  OpenApiDocument,
  queryString,
  resolve,
  SQL_INJECTION,
} from './support/openapi.js';
import { refusalProblems } from './support/refusals.js';
import { inParallel, IN_FLIGHT, SecurityServer } from './support/server.js';

// Every route that takes input, sent what its OpenAPI schema refuses: always a 400 with the error body, and the
// database exactly as it was. The cases come from /docs-json, so a new field or route brings its own.

let server: SecurityServer;
let target: Target;
let doc: OpenApiDocument;
let routes: RegisteredRoute[];

beforeAll(async () => {
  ({ server, target, doc, routes } = await startInputSuite());
});
afterAll(() => server?.close());

/** One bad request: a JSON body (an object, raw text or raw bytes) and a query string. */
interface Case {
  label: string;
  body?: Payload | Buffer;
  query?: string;
  /** Refused by the input hardening (control characters, invalid UTF-8) rather than by the schema. */
  hardening?: boolean;
  /** What the refusal must say, where the rest of the request could be refused for another reason. */
  reason?: RegExp;
}

const NOT_UTF8 = /UTF-8/;

/** `{"name":"\xC3("}`: a JSON body that is not UTF-8. */
function invalidUtf8(base: Record<string, unknown>, field: string): Buffer {
  const [before, after] = JSON.stringify({ ...base, [field]: '\u0001' }).split('\\u0001') as [string, string];
  return Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28]), Buffer.from(after)]);
}

/** Everything the route's schema refuses, beside a body the route accepts. */
function casesFor(route: RegisteredRoute): Case[] {
  const input = inputOf(doc, route);
  if (!input) return [];
  const cases: Case[] = [];
  const base = validBody(doc, route, target) ?? {};
  if (input.body) {
    const properties = Object.entries(input.body.properties ?? {});
    for (const [name, property] of properties) {
      for (const bad of badValues(doc, property))
        cases.push({ label: `body ${name}: ${bad.why}`, body: { ...base, [name]: bad.value }, hardening: bad.hardening });
    }
    // null and "" mean "not given" on this wire format: refused where the field is required, a no-op elsewhere.
    for (const name of input.body.required ?? []) {
      const { [name]: _, ...without } = base;
      cases.push(
        { label: `body ${name}: missing`, body: without },
        ...[null, '', '   '].map((blank) => ({
          label: `body ${name}: ${JSON.stringify(blank)} for a required field`,
          body: { ...base, [name]: blank },
        })),
      );
    }
    cases.push(
      { label: 'malformed JSON', body: new RawJson('{"name":') },
      { label: 'a JSON array as the body', body: new RawJson(JSON.stringify([base])) },
      { label: 'an empty JSON array as the body', body: new RawJson('[]') },
      { label: 'a JSON string as the body', body: new RawJson('"name"') },
      { label: 'a JSON number as the body', body: new RawJson('42') },
    );
    const text = properties.find(([, p]) => p.type === 'string' && !p.enum && !p.pattern && !p.format)?.[0] ?? 'name';
    cases.push(
      { label: `invalid UTF-8 in ${text}`, body: invalidUtf8(base, text), hardening: true, reason: NOT_UTF8 },
      { label: `invalid UTF-8 in ${text} of a form body`, body: new Form(`${text}=%C3%28`), hardening: true, reason: NOT_UTF8 },
      { label: 'a broken escape in a form body', body: new Form(`${text}=%ZZ`), hardening: true, reason: NOT_UTF8 },
    );
  }
  for (const { name, schema } of input.query) {
    for (const bad of badQueryValues(schema))
      cases.push({ label: `query ${name}: ${bad.why}`, query: queryString(name, bad.value), hardening: bad.hardening });
    if (schema.type === 'string' || schema.type === 'array')
      cases.push({ label: `query ${name}: invalid UTF-8`, query: `${name}=%C3%28`, hardening: true, reason: NOT_UTF8 });
  }
  // Query cases travel with the body the route accepts, so that only the query is wrong.
  return cases.map((c) => (c.query !== undefined && input.body ? { ...c, body: base } : c));
}

function send(route: RegisteredRoute, c: Case, path = pathFor(route, target)): Promise<Response> {
  const url = c.query ? `${path}?${c.query}` : path;
  if (Buffer.isBuffer(c.body)) {
    // Byte for byte: superagent would otherwise serialise the Buffer object as JSON.
    const raw = c.body;
    return Promise.resolve(
      request({ server, target }, route, url)
        .type('json')
        .serialize(() => raw as unknown as string)
        .send(raw),
    );
  }
  return Promise.resolve(withBody(request({ server, target }, route, url), c.body));
}

/** Runs the cases of every route, each route between two snapshots; lists every answer that is not a proper 400, and every change. */
async function runCorpus(select: (c: Case) => boolean, status?: number): Promise<{ failures: string[]; count: number }> {
  const failures: string[] = [];
  let count = 0;
  for (const route of routes) {
    const cases = casesFor(route).filter(select);
    if (cases.length === 0) continue;
    const before = await snapshot(server.app);
    count += cases.length;
    const answers = await inParallel(cases, IN_FLIGHT, (c) => send(route, c));
    answers.forEach((res, i) => {
      const problems = refusalProblems(res, status, cases[i]!.reason);
      if (problems.length) failures.push(`${route.method.toUpperCase()} ${route.path} | ${cases[i]!.label}: ${problems.join('; ')}`);
    });
    for (const change of changes(before, await snapshot(server.app))) {
      failures.push(`${route.method.toUpperCase()} ${route.path}: changed ${change.table} ${change.key}`);
    }
  }
  return { failures, count };
}

describe('bad input', () => {
  test('every route that takes input has a corpus', () => {
    const withInput = routes.filter((r) => {
      const input = inputOf(doc, r);
      return input && (input.body || input.query.length);
    });
    expect(withInput.length).toBeGreaterThanOrEqual(30);
    expect(withInput.filter((r) => casesFor(r).length === 0).map((r) => r.name)).toEqual([]);
  });

  test('the values the bad ones sit beside are accepted, so that each refusal is for the value under test', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const properties = Object.entries(inputOf(doc, route)?.body?.properties ?? {});
      for (const [name, raw] of properties) {
        const property = resolve(doc, raw);
        const items = property.type === 'array' && property.items ? resolve(doc, property.items) : undefined;
        if (!items?.properties && !property.properties) continue;
        const values = [exampleOf(doc, property), ...(items?.properties?.['conditions'] ? [[CONDITIONED_RULE]] : [])];
        for (const value of values) {
          checked++;
          const res = await send(route, { label: name, body: { ...validBody(doc, route, target), [name]: value } });
          if (res.status !== 200)
            failures.push(
              `${route.method.toUpperCase()} ${route.path} | ${name} = ${JSON.stringify(value)}: ${res.status} ${res.text.slice(0, 160)}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
    // Rules of keys, roles and groups, and the checks of a batch decision.
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  test(
    'values the schema refuses (types, ranges, lengths, enums, injection text, missing fields, bodies that are not objects): ' +
      '400, nothing changed',
    async () => {
      const { failures, count } = await runCorpus((c) => !c.hardening, 400);
      expect(failures).toEqual([]);
      expect(count).toBeGreaterThan(500);
    },
  );

  test('control characters and invalid UTF-8: 400, nothing changed', async () => {
    const { failures, count } = await runCorpus((c) => c.hardening === true, 400);
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(50);
  });

  test(
    'path parameters that name nothing (injection text, control characters, 10,000 characters, bad UTF-8): ' + '4xx, nothing changed',
    async () => {
      const values = [...SQL_INJECTION, "1' OR 1=1 --", 'a\u0000b', LONG_STRING];
      const before = await snapshot(server.app);
      const requests = routes.flatMap((route) =>
        route.params
          .filter((p) => p !== 'account_id')
          .flatMap((param) => [
            ...values.map((value) => ({
              route,
              label: `:${param} = ${JSON.stringify(value.slice(0, 20))}`,
              path: pathFor(route, target, { [param]: value }),
            })),
            { route, label: `:${param} = invalid UTF-8`, path: pathFor(route, target, { [param]: '\u0001' }).replace('%01', '%C3%28') },
          ]),
      );
      const answers = await inParallel(requests, IN_FLIGHT, ({ route, label, path }) =>
        send(route, { label, body: validBody(doc, route, target) }, path),
      );
      const failures = answers.flatMap((res, i) => {
        const problems = refusalProblems(res);
        return problems.length
          ? [`${requests[i]!.route.method.toUpperCase()} ${requests[i]!.route.path} | ${requests[i]!.label}: ${problems.join('; ')}`]
          : [];
      });
      expect(failures).toEqual([]);
      expect(changes(before, await snapshot(server.app)).map((c) => `${c.table} ${c.key}`)).toEqual([]);
    },
  );

  test('paging out of range is refused on every list', async () => {
    const lists = routes.filter((r) => inputOf(doc, r)?.query.some((q) => q.name === 'page_size'));
    expect(lists.length).toBeGreaterThanOrEqual(4);
    const failures: string[] = [];
    for (const route of lists) {
      for (const query of ['page_size=0', 'page_size=100001', 'page_size=-1', 'page=-1', 'page=0', 'page_size=1e3', `page=${2 ** 53}`]) {
        if (query.startsWith('page=') && !inputOf(doc, route)!.query.some((q) => q.name === 'page')) continue;
        const problems = refusalProblems(await send(route, { label: query, query }), 400);
        if (problems.length) failures.push(`${route.path}?${query}: ${problems.join('; ')}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
