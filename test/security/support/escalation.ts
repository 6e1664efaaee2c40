import fc from 'fast-check';
import type { Response } from 'supertest';
import type { CatalogAction } from '@castellan/permissions';
import { SYSTEM_ROLES, SystemRole } from '@castellan/permissions';
import type { TestAccount, TestServer } from '../../support/harness.js';
import { uniqueCloudName } from '../../support/harness.js';
import { bind, Credentials, Json, ok, Rule } from '../../support/http.js';

// The generative escalation hunt's model: a random account (roles, groups, users of every role with random reach,
// custom roles and groups, and keys of every kind with random narrowing), an attacker holding one of its keys, and a
// random sequence of the operations that create or change principals or hand out secrets, made with whatever the
// attacker holds. After every step that succeeds, no credential the attacker holds may do anything (an action, in a
// place, on a probe resource) that the attacker could not do at the start; and no other key of the account may do
// anything that neither it nor the attacker could do at the start (what the attacker hands to others, it held).

/** Three product environments, so that a limited reach (a proper subset) never reaches all of them. */
const ENVIRONMENTS = 3;
/** Indexes into lists that grow during a run: resolved modulo the list's length when the step runs. */
const index = fc.nat({ max: 40 });
const subset = (max: number) => fc.uniqueArray(fc.nat({ max }), { maxLength: max + 1 });

export interface WorldPlan {
  roles: Rule[][];
  groups: { roles: number[]; rules: Rule[] }[];
  users: { role: SystemRole; reach: number[] | null; customRoles: number[]; groups: number[]; enabled: boolean; keys: (Rule[] | null)[] }[];
  accountKeys: { rules: Rule[] | null; roles: number[]; enabled: boolean }[];
  envKeys: { env: number; rules: Rule[] | null; roles: number[]; enabled: boolean }[];
}

export type Step =
  | { op: 'createUser'; as: number; role: SystemRole; reach: number[] | null; customRoles: number[] }
  | { op: 'updateUser'; as: number; user: number; role?: SystemRole; reach?: number[] | null; customRoles?: number[]; enabled?: boolean }
  | { op: 'deleteUser'; as: number; user: number }
  | { op: 'addMember' | 'removeMember'; as: number; group: number; user: number }
  | { op: 'groupPermissions'; as: number; group: number; roles: number[]; rules: Rule[] }
  | { op: 'createRole'; as: number; rules: Rule[] }
  | { op: 'updateRole'; as: number; role: number; rules: Rule[] }
  | { op: 'generateUserKey'; as: number; user: number }
  | { op: 'rotateKey' | 'enableKey'; as: number; key: number }
  | { op: 'keyPermissions'; as: number; key: number; rules: Rule[]; roles: number[] }
  | { op: 'generateAccountKey'; as: number }
  | { op: 'createEnvironment'; as: number }
  | { op: 'generateEnvKey'; as: number; env: number };

export type Operation = Step['op'];

export interface Plan {
  world: WorldPlan;
  attacker: number;
  steps: Step[];
}

/** Rules drawn from the catalogue: wildcards and single actions, allows and denies, some with a condition on folder. */
function rulesArbitrary(actions: readonly CatalogAction[], environmentOnly: boolean): fc.Arbitrary<Rule[]> {
  const usable = actions.filter((a) => !environmentOnly || !a.name.startsWith('provisioning:'));
  const wildcards = environmentOnly ? ['upload:*', 'admin:*'] : ['*', 'upload:*', 'admin:*', 'provisioning:*'];
  // Provisioning actions are drawn as often as the others together: they are what the operations need.
  const provisioning = usable.filter((a) => a.name.startsWith('provisioning:')).map((a) => a.name);
  const other = usable.filter((a) => !a.name.startsWith('provisioning:')).map((a) => a.name);
  const pattern = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...wildcards) },
    { weight: 3, arbitrary: fc.constantFrom(...other) },
    ...(provisioning.length ? [{ weight: 3, arbitrary: fc.constantFrom(...provisioning) }] : []),
  );
  const plain = fc.record({
    effect: fc.constantFrom<Rule['effect']>('allow', 'allow', 'allow', 'deny'),
    actions: fc.uniqueArray(pattern, { minLength: 1, maxLength: 8 }),
  });
  const foldered = usable.filter((a) => a.attributes.some((attribute) => attribute.name === 'folder')).map((a) => a.name);
  const conditional = fc.record({
    effect: fc.constantFrom<Rule['effect']>('allow', 'deny'),
    actions: fc.uniqueArray(fc.constantFrom(...foldered), { minLength: 1, maxLength: 3 }),
    conditions: fc.constant({ folder: 'a' }),
  });
  return fc.array(fc.oneof({ weight: 5, arbitrary: plain }, { weight: 1, arbitrary: conditional }), { minLength: 1, maxLength: 4 });
}

/** A reach: every environment (null), or a proper subset of them. */
const reachArbitrary = fc.oneof(fc.constant(null), fc.uniqueArray(fc.nat({ max: ENVIRONMENTS - 1 }), { maxLength: ENVIRONMENTS - 1 }));

export function planArbitrary(actions: readonly CatalogAction[], operations: readonly Operation[]): fc.Arbitrary<Plan> {
  const rules = rulesArbitrary(actions, false);
  const envRules = rulesArbitrary(actions, true);
  // The roles that may manage people and keys come up more often: they are the ones that can try anything.
  const role = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom<SystemRole>('admin', 'technical_admin', 'master_admin') },
    { weight: 2, arbitrary: fc.constantFrom(...SYSTEM_ROLES) },
  );
  const enabled = fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
  const world: fc.Arbitrary<WorldPlan> = fc.record({
    roles: fc.array(rules, { maxLength: 3 }),
    groups: fc.array(fc.record({ roles: subset(2), rules }), { maxLength: 2 }),
    users: fc.array(
      fc.record({
        role,
        reach: reachArbitrary,
        customRoles: subset(2),
        groups: subset(1),
        enabled,
        keys: fc.array(fc.option(rules, { nil: null, freq: 2 }), { minLength: 1, maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    accountKeys: fc.array(fc.record({ rules: fc.option(rules, { nil: null, freq: 2 }), roles: subset(2), enabled }), { maxLength: 3 }),
    envKeys: fc.array(
      fc.record({ env: fc.nat({ max: ENVIRONMENTS - 1 }), rules: fc.option(envRules, { nil: null }), roles: subset(2), enabled }),
      { maxLength: 3 },
    ),
  });
  const steps: Record<Operation, fc.Arbitrary<Step>> = {
    createUser: fc.record({ op: fc.constant('createUser' as const), as: index, role, reach: reachArbitrary, customRoles: subset(3) }),
    updateUser: fc.record(
      {
        op: fc.constant('updateUser' as const),
        as: index,
        user: index,
        role,
        reach: reachArbitrary,
        customRoles: subset(3),
        enabled: fc.boolean(),
      },
      { requiredKeys: ['op', 'as', 'user'] },
    ),
    deleteUser: fc.record({ op: fc.constant('deleteUser' as const), as: index, user: index }),
    addMember: fc.record({ op: fc.constant('addMember' as const), as: index, group: index, user: index }),
    removeMember: fc.record({ op: fc.constant('removeMember' as const), as: index, group: index, user: index }),
    groupPermissions: fc.record({ op: fc.constant('groupPermissions' as const), as: index, group: index, roles: subset(3), rules }),
    createRole: fc.record({ op: fc.constant('createRole' as const), as: index, rules }),
    updateRole: fc.record({ op: fc.constant('updateRole' as const), as: index, role: index, rules }),
    generateUserKey: fc.record({ op: fc.constant('generateUserKey' as const), as: index, user: index }),
    rotateKey: fc.record({ op: fc.constant('rotateKey' as const), as: index, key: index }),
    enableKey: fc.record({ op: fc.constant('enableKey' as const), as: index, key: index }),
    keyPermissions: fc.record({ op: fc.constant('keyPermissions' as const), as: index, key: index, rules, roles: subset(3) }),
    generateAccountKey: fc.record({ op: fc.constant('generateAccountKey' as const), as: index }),
    createEnvironment: fc.record({ op: fc.constant('createEnvironment' as const), as: index }),
    generateEnvKey: fc.record({ op: fc.constant('generateEnvKey' as const), as: index, env: index }),
  };
  return fc.record({
    world,
    attacker: index,
    steps: fc.array(fc.oneof(...operations.map((op) => steps[op])), { minLength: 1, maxLength: 16 }),
  });
}

export const OPERATIONS = [
  'createUser',
  'updateUser',
  'deleteUser',
  'addMember',
  'removeMember',
  'groupPermissions',
  'createRole',
  'updateRole',
  'generateUserKey',
  'rotateKey',
  'enableKey',
  'keyPermissions',
  'generateAccountKey',
  'createEnvironment',
  'generateEnvKey',
] as const satisfies readonly Operation[];

export const ATTACKER_KINDS = ['account', 'user'] as const;
export type AttackerKind = (typeof ATTACKER_KINDS)[number];

interface KeyRef {
  apiKey: string;
  /** Where its routes live, below the account's base path. */
  path: string;
}

/** One decision the hunt asks for: an action, where (no environment, or one of them), on which resource. */
interface Probe {
  action: string;
  place: number | null;
  resource?: Record<string, string>;
}

/** Probes in a place created during the run are compared with what held in every environment at the start. */
const NEW_PLACE = 'new';

/** What one run found: how many steps of each kind succeeded or were refused, and any escalation. */
export interface RunStats {
  succeeded: Partial<Record<Operation, number>>;
  refused: Partial<Record<Operation, number>>;
  secretsReceived: number;
}

/** One run of the hunt against a live server, on a fresh account. */
export class Hunt {
  private readonly call = bind(() => this.server).call;
  private a!: TestAccount;
  private envs: { id: string; cloudName: string; initial: boolean }[] = [];
  private users: string[] = [];
  private groups: string[] = [];
  private roles: string[] = [];
  private keys: KeyRef[] = [];
  /** What the attacker holds: secrets by api_key, in the order received. */
  private readonly held = new Map<string, string>();
  private start = new Set<string>();
  /** Every other key of the world but the account's root (which holds everything), and what each could do at the start. */
  private readonly bystanders = new Map<string, string>();
  private readonly bystanderStart = new Map<string, Set<string>>();
  private readonly log: string[] = [];

  constructor(
    private readonly server: TestServer,
    private readonly actions: readonly CatalogAction[],
    private readonly stats: RunStats,
    /** The kinds of key an attacker may start with. */
    private readonly attackers: readonly AttackerKind[] = ATTACKER_KINDS,
  ) {}

  async run(plan: Plan): Promise<void> {
    const candidates = await this.build(plan.world);
    const [apiKey, secret] = candidates[plan.attacker % candidates.length]!;
    this.held.set(apiKey, secret);
    this.log.push(`attacker: key ${apiKey}`);
    this.start = await this.powers([apiKey, secret]);
    for (const [key, keySecret] of this.bystanders) this.bystanderStart.set(key, await this.powers([key, keySecret]));
    for (const step of plan.steps) {
      const res = await this.perform(step);
      const done = res.status === 200;
      const tally = done ? this.stats.succeeded : this.stats.refused;
      tally[step.op] = (tally[step.op] ?? 0) + 1;
      this.log.push(`${JSON.stringify(step)}${this.target(step)} -> ${res.status}${done ? '' : ` ${res.body?.error?.message ?? ''}`}`);
      if (done) await this.check();
    }
  }

  /** The key a step acted on, for the log: the index alone says nothing once the lists have grown. */
  private target(step: Step): string {
    return 'key' in step && this.keys.length ? ` on ${this.keys[step.key % this.keys.length]!.path}` : '';
  }

  /**
   * Nothing the attacker holds may do what the attacker could not at the start; nor may any other key of the
   * account, beyond what it could itself: what the attacker hands to others, it must have held.
   */
  private async check(): Promise<void> {
    for (const [key, keySecret] of this.held) this.refuseGains(key, await this.powers([key, keySecret]), new Set());
    for (const [key, keySecret] of this.bystanders) {
      if (!this.held.has(key)) this.refuseGains(key, await this.powers([key, keySecret]), this.bystanderStart.get(key)!);
    }
  }

  private refuseGains(key: string, powers: Set<string>, own: Set<string>): void {
    const heldBefore = (power: string) => [own, this.start].some((before) => before.has(power) || this.heldEverywhere(before, power));
    const gained = [...powers].filter((power) => !heldBefore(power));
    if (gained.length) {
      const whose = this.held.has(key) ? 'the attacker holds key' : 'key';
      throw new Error(
        `escalation: ${whose} ${key}, which can now ${gained.slice(0, 5).join(', ')}${gained.length > 5 ? ', …' : ''}` +
          `\n  ${this.log.join('\n  ')}`,
      );
    }
  }

  /** A power in an environment made during the run, which `before` held in every environment the run began with. */
  private heldEverywhere(before: Set<string>, power: string): boolean {
    const [action, place, resource] = power.split('|');
    if (place !== NEW_PLACE) return false;
    return this.envs.filter((e) => e.initial).every((_, i) => before.has(`${action}|${i}|${resource}`));
  }

  // ------------------------------------------------------------------------------------------------ the world

  /** Makes the world with the account's root key; answers the keys an attacker may start with (enabled account and user keys). */
  private async build(plan: WorldPlan): Promise<Credentials[]> {
    this.a = await this.server.newAccount('Escalation hunt');
    const root = this.a.auth;
    const base = this.a.base;
    const post = async (path: string, body: object = {}) =>
      ok(await this.call('post', `${base}${path}`, root, body as Record<string, unknown>));
    const put = async (path: string, body: object) => ok(await this.call('put', `${base}${path}`, root, body as Record<string, unknown>));
    for (let i = 0; i < ENVIRONMENTS; i++) {
      const env = await post('/sub_accounts', { name: `Env ${i}`, cloud_name: uniqueCloudName('hunt') });
      this.envs.push({ id: env.id, cloudName: env.cloud_name, initial: true });
      this.keys.push({ apiKey: env.api_access_keys[0].key, path: `/sub_accounts/${env.id}/access_keys/${env.api_access_keys[0].key}` });
      this.bystanders.set(env.api_access_keys[0].key, env.api_access_keys[0].secret);
    }
    this.keys.push({ apiKey: this.a.api_key, path: `/account_api_keys/${this.a.api_key}` });
    for (const rules of plan.roles) this.roles.push((await post('/roles', { name: `role ${this.roles.length}`, rules })).id);
    const roleIds = (picks: number[]) => [...new Set(picks.filter((i) => i < this.roles.length).map((i) => this.roles[i]!))];
    for (const group of plan.groups) {
      const id = (await post('/user_groups', { name: `group ${this.groups.length}` })).id;
      await put(`/user_groups/${id}/permissions`, { roles: roleIds(group.roles), rules: group.rules });
      this.groups.push(id);
    }
    const candidates: Credentials[] = [];
    for (const [n, u] of plan.users.entries()) {
      const user = await post('/users', {
        name: `user ${n}`,
        email: `u${n}@hunt.example`,
        role: u.role,
        custom_roles: roleIds(u.customRoles),
        ...this.reachBody(u.reach),
      });
      this.users.push(user.id);
      for (const g of new Set(u.groups.filter((i) => i < this.groups.length)))
        await post(`/user_groups/${this.groups[g]}/users/${user.id}`);
      // A master admin stays enabled: disabling the account's last one is refused.
      const enabled = u.enabled || u.role === 'master_admin';
      for (const rules of u.keys) {
        const key = await post(`/users/${user.id}/api_keys`, { name: `key ${this.keys.length}` });
        const path = `/users/${user.id}/api_keys/${key.api_key}`;
        if (rules) await put(`${path}/permissions`, { rules });
        this.keys.push({ apiKey: key.api_key, path });
        this.bystanders.set(key.api_key, key.api_secret);
        if (enabled && this.attackers.includes('user')) candidates.push([key.api_key, key.api_secret]);
      }
      if (!enabled) await put(`/users/${user.id}`, { enabled: false });
    }
    const keyOf = async (collection: string, settings: { rules: Rule[] | null; roles: number[]; enabled: boolean }) => {
      const key = await post(collection, { name: `key ${this.keys.length}` });
      const path = `${collection}/${key.api_key}`;
      if (settings.rules || settings.roles.length)
        await put(`${path}/permissions`, { rules: settings.rules ?? [], roles: roleIds(settings.roles) });
      if (!settings.enabled) await put(path, { enabled: false });
      // Environment keys hold no provisioning action, so they never reach these operations (the access matrix proves it).
      else if (collection === '/account_api_keys' && this.attackers.includes('account')) candidates.push([key.api_key, key.api_secret]);
      this.keys.push({ apiKey: key.api_key, path });
      this.bystanders.set(key.api_key, key.api_secret);
    };
    for (const k of plan.accountKeys) await keyOf('/account_api_keys', k);
    for (const k of plan.envKeys) await keyOf(`/sub_accounts/${this.envs[k.env]!.id}/access_keys`, k);
    this.log.push(`world: ${JSON.stringify(plan)}`);
    return candidates.length ? candidates : [[this.keys[0]!.apiKey, '']];
  }

  private reachBody(reach: number[] | null): Record<string, unknown> {
    return reach === null ? { all_sub_accounts: true } : { sub_account_ids: reach.map((i) => this.envs[i % this.envs.length]!.id) };
  }

  // ------------------------------------------------------------------------------------------------ the steps

  private async perform(step: Step): Promise<Response> {
    const held = [...this.held];
    const [apiKey, secret] = held[step.as % held.length]!;
    const as: Credentials = [apiKey, secret];
    const base = this.a.base;
    const pick = <T>(list: T[], i: number): T | undefined => (list.length ? list[i % list.length] : undefined);
    const send = (method: 'post' | 'put' | 'delete', path: string, body: Record<string, unknown> = {}) =>
      this.call(method, `${base}${path}`, as, body);
    const roleIds = (picks: number[]) => [
      ...new Set(picks.flatMap((i) => (this.roles.length ? [this.roles[i % this.roles.length]!] : []))),
    ];
    const user = 'user' in step ? (pick(this.users, step.user) ?? 'none') : 'none';
    switch (step.op) {
      case 'createUser': {
        const body = {
          name: 'made',
          email: `m${this.users.length}-${Date.now()}@hunt.example`,
          role: step.role,
          custom_roles: roleIds(step.customRoles),
          ...this.reachBody(step.reach),
        };
        const res = await send('post', '/users', body);
        if (res.status === 200) this.users.push(res.body.id);
        return res;
      }
      case 'updateUser': {
        const body: Record<string, unknown> = {};
        if (step.role !== undefined) body['role'] = step.role;
        if (step.reach !== undefined) Object.assign(body, this.reachBody(step.reach));
        if (step.customRoles !== undefined) body['custom_roles'] = roleIds(step.customRoles);
        if (step.enabled !== undefined) body['enabled'] = step.enabled;
        return send('put', `/users/${user}`, body);
      }
      case 'deleteUser':
        return send('delete', `/users/${user}`);
      case 'addMember':
        return send('post', `/user_groups/${pick(this.groups, step.group) ?? 'none'}/users/${user}`);
      case 'removeMember':
        return send('delete', `/user_groups/${pick(this.groups, step.group) ?? 'none'}/users/${user}`);
      case 'groupPermissions':
        return send('put', `/user_groups/${pick(this.groups, step.group) ?? 'none'}/permissions`, {
          roles: roleIds(step.roles),
          rules: step.rules,
        });
      case 'createRole': {
        const res = await send('post', '/roles', { name: `made ${this.roles.length}-${Date.now()}`, rules: step.rules });
        if (res.status === 200) this.roles.push(res.body.id);
        return res;
      }
      case 'updateRole':
        return send('put', `/roles/${pick(this.roles, step.role) ?? 'none'}`, { rules: step.rules });
      case 'generateUserKey':
        return this.received(
          await send('post', `/users/${user}/api_keys`, { name: `made ${this.keys.length}` }),
          `/users/${user}/api_keys`,
        );
      case 'rotateKey': {
        const key = pick(this.keys, step.key)!;
        return this.received(await send('post', `${key.path}/rotate`), null);
      }
      case 'enableKey':
        return send('put', pick(this.keys, step.key)!.path, { enabled: true });
      case 'keyPermissions': {
        const key = pick(this.keys, step.key)!;
        const roles = key.path.startsWith('/users/') ? undefined : roleIds(step.roles);
        return send('put', `${key.path}/permissions`, { rules: step.rules, ...(roles ? { roles } : {}) });
      }
      case 'generateAccountKey':
        return this.received(await send('post', '/account_api_keys', { name: `made ${this.keys.length}` }), '/account_api_keys');
      case 'createEnvironment': {
        const res = await send('post', '/sub_accounts', { name: 'made', cloud_name: uniqueCloudName('hunt') });
        if (res.status === 200) {
          this.envs.push({ id: res.body.id, cloudName: res.body.cloud_name, initial: false });
          const first = res.body.api_access_keys[0];
          this.keys.push({ apiKey: first.key, path: `/sub_accounts/${res.body.id}/access_keys/${first.key}` });
          this.held.set(first.key, first.secret);
          this.stats.secretsReceived++;
        }
        return res;
      }
      case 'generateEnvKey': {
        const env = pick(this.envs, step.env)!;
        return this.received(
          await send('post', `/sub_accounts/${env.id}/access_keys`, { name: `made ${this.keys.length}` }),
          `/sub_accounts/${env.id}/access_keys`,
        );
      }
    }
  }

  /** Keeps a secret the attacker was answered (a new key in `collection`, or a rotation of a known key). */
  private received(res: Response, collection: string | null): Response {
    if (res.status !== 200) return res;
    const { api_key: apiKey, api_secret: secret } = res.body as Json;
    this.held.set(apiKey, secret);
    this.bystanders.delete(apiKey);
    if (collection !== null) this.keys.push({ apiKey, path: `${collection}/${apiKey}` });
    this.stats.secretsReceived++;
    return res;
  }

  // ------------------------------------------------------------------------------------------------ powers

  /** Every probe the key is allowed, as `action|place|resource`; nothing for a key that does not authenticate. */
  private async powers(key: Credentials): Promise<Set<string>> {
    const probes = this.probes();
    const allowed = new Set<string>();
    for (let i = 0; i < probes.length; i += 100) {
      const batch = probes.slice(i, i + 100);
      const checks = batch.map((p) => ({
        action: p.action,
        ...(p.place === null ? {} : { cloud_name: this.envs[p.place]!.cloudName }),
        ...(p.resource ? { resource: p.resource } : {}),
      }));
      const res = await this.call('post', '/v1_1/authorize/batch', key, { checks });
      if (res.status === 401) return allowed;
      const results = ok(res).results as Json[];
      results.forEach((result, j) => {
        const probe = batch[j]!;
        // Where the decision was made: an environment key decides in its own environment when none is named.
        const at = result.environment ? this.envs.findIndex((e) => e.id === result.environment.id) : -1;
        const place = at < 0 ? 'none' : this.envs[at]!.initial ? String(at) : NEW_PLACE;
        if (result.allowed) allowed.add(`${probe.action}|${place}|${probe.resource?.['folder'] ?? ''}`);
      });
    }
    return allowed;
  }

  /** Every action with no environment; environment actions in each environment too, and those with a folder on two folders. */
  private probes(): Probe[] {
    const places = [null, ...this.envs.map((_, i) => i)];
    return this.actions.flatMap((action) => {
      // A catalogue without scopes (before issue 14) is probed everywhere.
      const where = (action.scope ?? 'environment') === 'environment' ? places : [null];
      const folders = action.attributes.some((a) => a.name === 'folder') ? [undefined, { folder: 'a' }, { folder: 'b' }] : [undefined];
      return where.flatMap((place) => folders.map((resource) => ({ action: action.name, place, resource })));
    });
  }
}
