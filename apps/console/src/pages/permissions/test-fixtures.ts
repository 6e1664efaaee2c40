/** The catalogue, rules and generators the permission editor's tests share; a module of the tests, not of the console. */
import type { PolicyRule } from '../../api';
import { covers } from '../../rules';
import { type Catalog, type CatalogPlugin, patternsOf, pluginsFor } from './catalogue';
import type { EditorState } from './policy-state';
import { stableJson } from './values';

const folder = { name: 'folder', type: 'string' as const, description: 'Folder' };
const resourceType = { name: 'resource_type', type: 'string' as const, description: 'image, video or raw' };
const tags = { name: 'tags', type: 'string[]' as const, description: 'Tags' };
const bytes = { name: 'bytes', type: 'number' as const, description: 'Size' };
const publicIdNumber = { name: 'resource_type', type: 'number' as const, description: 'A clash of types' };

export const catalog: Catalog = {
  plugins: [
    {
      name: 'provisioning',
      title: 'Provisioning API',
      description: "Castellan's own routes",
      actions: [
        { name: 'provisioning:sub_accounts.read', description: 'List and read product environments', attributes: [], scope: 'account' },
        { name: 'provisioning:access_keys.permissions.update', description: 'Replace permissions', attributes: [], scope: 'account' },
      ],
    },
    {
      name: 'upload',
      title: 'Upload API',
      description: 'Uploads',
      actions: [
        { name: 'upload:upload', description: 'Upload an asset', attributes: [folder, resourceType, tags, bytes], scope: 'environment' },
        { name: 'upload:destroy', description: 'Delete an asset', attributes: [folder, resourceType, tags], scope: 'environment' },
      ],
    },
    {
      name: 'admin',
      title: 'Admin API',
      description: 'Admin',
      actions: [
        { name: 'admin:resources.read', description: 'Read resources', attributes: [resourceType, folder], scope: 'environment' },
        { name: 'admin:resources.delete', description: 'Delete resources', attributes: [publicIdNumber, folder], scope: 'environment' },
      ],
    },
  ],
  key_kinds: [
    { kind: 'environment', excluded_prefixes: ['provisioning:'] },
    { kind: 'account', excluded_prefixes: [] },
    { kind: 'user', excluded_prefixes: [] },
  ],
};
export const account = pluginsFor(catalog, 'account');
export const environment = pluginsFor(catalog, 'environment');

export const allow = (...actions: string[]): PolicyRule => ({ effect: 'allow', actions });
export const deny = (...actions: string[]): PolicyRule => ({ effect: 'deny', actions });
export const prodOnly = { folder: { $regex: '^prod/' } };

/** What the editor shows of a state, without where its rules were stored. */
export const shown = ({ stored: _, ...rest }: EditorState) => rest;

/**
 * What a policy decides, computed independently of the model: per catalogue action, an unconditional deny
 * decides everything; otherwise the conditional denies and the (unconditional or conditional) allows do.
 * Patterns outside the catalogue are compared as a set.
 */
export function meaning(rules: readonly PolicyRule[], plugins: readonly CatalogPlugin[]) {
  const unconditional = (r: PolicyRule) => !r.conditions || Object.keys(r.conditions).length === 0;
  const actions = plugins.flatMap((p) => p.actions.map((a) => a.name));
  const known = new Set(patternsOf(plugins));
  const perAction = Object.fromEntries(
    actions.map((action) => {
      const matching = rules.filter((r) => r.actions.some((p) => known.has(p) && covers(p, action)));
      if (matching.some((r) => r.effect === 'deny' && unconditional(r))) return [action, 'DENY'];
      const conditionsOf = (effect: string) =>
        [...new Set(matching.filter((r) => r.effect === effect && !unconditional(r)).map((r) => stableJson(r.conditions)))].sort();
      const allowed = matching.some((r) => r.effect === 'allow' && unconditional(r)) ? 'ALLOW' : conditionsOf('allow');
      return [action, { denyWhen: conditionsOf('deny'), allowed }];
    }),
  );
  const unknown = [
    ...new Set(
      rules.flatMap((r) =>
        r.actions.filter((p) => !known.has(p)).map((p) => `${r.effect}|${p}|${unconditional(r) ? '' : stableJson(r.conditions)}`),
      ),
    ),
  ].sort();
  return { perAction, unknown };
}

/** A small deterministic generator, so the property tests are repeatable. */
export function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomPolicy(next: () => number, pool: string[]): PolicyRule[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const conditionChoices = [
    undefined,
    undefined,
    undefined,
    prodOnly,
    { resource_type: 'image' },
    {},
    { folder: { $in: ['a', 'b'] }, resource_type: { $ne: 'raw' } },
  ];
  return Array.from({ length: Math.floor(next() * 7) }, () => {
    const actions = Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(pool));
    const conditions = pick(conditionChoices);
    return { effect: next() < 0.6 ? 'allow' : 'deny', actions, ...(conditions === undefined ? {} : { conditions }) } as PolicyRule;
  });
}

/** Patterns random policies draw from: rows of both kinds of key, and patterns no row shows. */
export const POOL = [
  ...['*', 'upload:*', 'admin:*', 'provisioning:*', 'upload:destroy', 'upload:upload', 'admin:resources.read', 'admin:resources.delete'],
  ...['provisioning:sub_accounts.read', 'video:transcode'],
];
