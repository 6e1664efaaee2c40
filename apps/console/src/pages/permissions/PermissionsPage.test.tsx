import { act, StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KeySelf, PolicyRule } from '../../api';
import { SessionProvider } from '../../session';
import type { Catalog } from './catalogue';
import { PermissionsPage } from './PermissionsPage';

// The page in jsdom against a fake API: the radios, the review dialog, the PUT it sends, errors in place,
// read-only mode and "Try it". The browser test (test/console) runs the same flow against a real Castellan.

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const ACCOUNT = '/v1_1/provisioning/accounts/acc';
const ENV_KEY = `${ACCOUNT}/sub_accounts/env1/access_keys/814`;

const folder = { name: 'folder', type: 'string' as const, description: 'Folder' };
const catalog: Catalog = {
  plugins: [
    {
      name: 'provisioning',
      title: 'Provisioning API',
      description: 'Own routes',
      actions: [{ name: 'provisioning:users.read', description: 'List users', attributes: [], scope: 'account' }],
    },
    {
      name: 'upload',
      title: 'Upload API',
      description: 'Uploads',
      actions: [
        { name: 'upload:upload', description: 'Upload an asset', attributes: [folder], scope: 'environment' },
        { name: 'upload:destroy', description: 'Delete an asset', attributes: [folder], scope: 'environment' },
      ],
    },
    {
      name: 'admin',
      title: 'Admin API',
      description: 'Admin',
      actions: [{ name: 'admin:resources.read', description: 'Read resources', attributes: [], scope: 'environment' }],
    },
  ],
  key_kinds: [
    { kind: 'environment', excluded_prefixes: ['provisioning:'] },
    { kind: 'account', excluded_prefixes: [] },
    { kind: 'user', excluded_prefixes: [] },
  ],
};

const self = (rules: PolicyRule[]): KeySelf => ({
  api_key: 'root',
  name: 'Root',
  kind: 'account',
  account_id: 'acc',
  environment: null,
  rules,
  default: false,
});

interface Call {
  method: string;
  path: string;
  body: unknown;
}

let calls: Call[];
let policy: { api_key: string; rules: PolicyRule[]; roles: string[]; default: boolean };
let putAnswer: ((body: { rules: PolicyRule[] }) => { status: number; json: unknown }) | null;
let container: HTMLDivElement;
let root: Root;

function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const path = String(input);
  const method = init?.method ?? 'GET';
  const body = init?.body ? JSON.parse(String(init.body)) : undefined;
  calls.push({ method, path, body });
  const json = (status: number, value: unknown) =>
    Promise.resolve(new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } }));
  if (path === '/v1_1/permissions/catalog') return json(200, catalog);
  if (path.startsWith(`${ACCOUNT}/sub_accounts/env1/access_keys?`))
    return json(200, { access_keys: [{ name: 'CI key', api_key: '814' }], total: 1 });
  if (path === `${ACCOUNT}/sub_accounts/env1`) return json(200, { id: 'env1', name: 'Production', cloud_name: 'product1' });
  if (path.startsWith(`${ACCOUNT}/account_api_keys?`)) return json(200, { account_api_keys: [{ name: 'Ops', api_key: '900' }], total: 1 });
  if (path.endsWith('/permissions') && method === 'GET') return json(200, policy);
  if (path.endsWith('/permissions') && method === 'PUT') {
    const answer = putAnswer?.(body) ?? { status: 200, json: (policy = { ...policy, rules: body.rules, default: false }) };
    return json(answer.status, answer.json);
  }
  if (path === `${ACCOUNT}/permissions/simulate`) {
    return json(200, {
      allowed: false,
      reason: 'DENIED_BY_RULE',
      rule: 1,
      key: { api_key: '814', name: 'CI key', kind: 'environment' },
      environment: { id: 'env1', cloud_name: 'product1' },
      rules: policy.rules,
      trace: [
        { rule: 0, effect: 'allow', covers_action: true, conditions_match: true, decisive: false },
        { rule: 1, effect: 'deny', covers_action: true, conditions_match: true, decisive: true },
      ],
    });
  }
  return json(404, { error: { message: `no route ${method} ${path}` } });
}

beforeAll(() => {
  // jsdom has no modal dialogs.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
});

beforeEach(() => {
  calls = [];
  putAnswer = null;
  policy = { api_key: '814', rules: [{ effect: 'allow', actions: ['upload:*', 'admin:*'] }], roles: ['role-1'], default: true };
  vi.stubGlobal('fetch', vi.fn(fakeFetch));
  container = document.createElement('div');
  document.body.append(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.unstubAllGlobals();
});

const EVERY_PERMISSION_ACTION = [
  'provisioning:access_keys.permissions.read',
  'provisioning:access_keys.permissions.update',
  'provisioning:account_api_keys.permissions.read',
  'provisioning:account_api_keys.permissions.update',
  'provisioning:permissions.simulate',
];

/** `allowed`: what Castellan said the signed-in key may do when its session began. */
async function mount(path: string, allowed: string[] = EVERY_PERMISSION_ACTION) {
  const router = createMemoryRouter(
    [
      { path: '/environments/:envId/keys/:apiKey/permissions', element: <PermissionsPage /> },
      { path: '/account-keys/:apiKey/permissions', element: <PermissionsPage /> },
      { path: '*', element: <p>elsewhere</p> },
    ],
    { initialEntries: [path] },
  );
  root = createRoot(container);
  await act(async () =>
    root.render(
      <StrictMode>
        <SessionProvider
          initial={{
            phase: 'signed-in',
            start: {
              kind: 'key',
              credentials: { apiKey: 'root', secret: 's' },
              self: self([{ effect: 'allow', actions: ['*'] }]),
              allowed,
            },
          }}
        >
          <RouterProvider router={router} />
        </SessionProvider>
      </StrictMode>,
    ),
  );
  await until(() => container.querySelector('fieldset') !== null || container.querySelector('.error') !== null);
}

async function until(condition: () => boolean, what = 'condition') {
  for (let i = 0; i < 100; i += 1) {
    if (condition()) return;
    await act(() => new Promise((r) => setTimeout(r, 10)));
  }
  throw new Error(`timed out waiting for ${what}: ${container.textContent?.slice(0, 400)}`);
}

const groups = () => [...container.querySelectorAll('fieldset')];
const group = (legend: string) => {
  const found = groups().find((f) => f.querySelector('legend')?.textContent === legend);
  if (!found) throw new Error(`no group ${legend}`);
  return found;
};
const radio = (legend: string, label: string) => {
  const found = [...group(legend).querySelectorAll('label')].find((l) => l.textContent?.trim() === label)?.querySelector('input');
  if (!found) throw new Error(`no radio ${label} in ${legend}`);
  return found;
};
const button = (name: string, within: ParentNode = container) => {
  const found = [...within.querySelectorAll('button')].find((b) => b.textContent?.trim() === name);
  if (!found) throw new Error(`no button ${name}`);
  return found;
};
const labelled = <T extends HTMLElement>(label: string, within: ParentNode = container): T => {
  const l = [...within.querySelectorAll('label')].find((x) => x.textContent === label);
  const control = l && document.getElementById(l.htmlFor);
  if (!control) throw new Error(`no control labelled ${label}`);
  return control as T;
};
const click = async (element: HTMLElement) => act(async () => element.click());
async function type(element: HTMLInputElement | HTMLTextAreaElement, value: string) {
  const proto = element instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  await act(async () => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(element, value);
    element.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
async function choose(element: HTMLSelectElement, value: string) {
  await act(async () => {
    element.value = value;
    element.dispatchEvent(new Event('change', { bubbles: true }));
  });
}
const section = (heading: string) => [...container.querySelectorAll('section')].find((s) => s.querySelector('h2')?.textContent === heading);
const dialog = () => container.querySelector('dialog')!;

describe('PermissionsPage', () => {
  it("draws an environment key's catalogue without provisioning, with Allow / Deny / Inherit per action", async () => {
    await mount('/environments/env1/keys/814/permissions');
    expect(container.querySelector('h1')?.textContent).toBe('Permissions of CI key');
    expect(section('Upload API')).toBeDefined();
    expect(section('Admin API')).toBeDefined();
    expect(section('Provisioning API')).toBeUndefined();
    // What the catalogue's key_kinds say environment keys never hold, and the default policy they have, in words.
    expect(container.textContent).toContain('Environment access key of product1: it never holds provisioning actions.');
    expect(container.textContent).toContain('This key has the default policy of environment keys (allow upload:*, admin:*).');
    expect(group('All actions (*)').textContent).toContain('Every upload and admin action, present and future');
    expect(groups().map((g) => g.querySelector('legend')?.textContent)).toEqual([
      'All actions (*)',
      'All upload actions (upload:*)',
      'upload:upload',
      'upload:destroy',
      'All admin actions (admin:*)',
      'admin:resources.read',
    ]);
    expect([...group('upload:destroy').querySelectorAll('label')].map((l) => l.textContent)).toEqual(['Allow', 'Deny', 'Inherit']);
    expect(radio('upload:destroy', 'Inherit').checked).toBe(true);
    expect(radio('All upload actions (upload:*)', 'Allow').checked).toBe(true);
    expect(button('Save').disabled).toBe(true);
    expect(labelled<HTMLInputElement>('Filter actions')).toBeDefined();
  });

  it('filters actions by name or description', async () => {
    await mount('/environments/env1/keys/814/permissions');
    await type(labelled('Filter actions'), 'delete an');
    expect(groups().map((g) => g.querySelector('legend')?.textContent)).toEqual(['All upload actions (upload:*)', 'upload:destroy']);
    await type(labelled('Filter actions'), 'nothing like it');
    expect(container.textContent).toContain('No action matches');
  });

  it('reviews the change, sends the rules with the roles kept, and says Saved', async () => {
    await mount('/environments/env1/keys/814/permissions');
    await click(radio('upload:destroy', 'Deny'));
    expect(button('Save').disabled).toBe(false);
    await click(button('Save'));
    expect(dialog().open).toBe(true);
    expect(dialog().querySelector('h2')?.textContent).toBe('Review changes');
    expect([...dialog().querySelectorAll('li')].map((li) => li.textContent)).toEqual(['upload:destroy: inherit → deny']);
    await click(button('Confirm', dialog()));
    await until(() => container.textContent!.includes('Saved'), 'Saved');
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.path).toBe(`${ENV_KEY}/permissions`);
    expect(put.body).toEqual({
      rules: [
        { effect: 'allow', actions: ['upload:*', 'admin:*'] },
        { effect: 'deny', actions: ['upload:destroy'] },
      ],
      roles: ['role-1'],
    });
    expect(dialog().open).toBe(false);
    expect(button('Save').disabled).toBe(true);
    expect(radio('upload:destroy', 'Deny').checked).toBe(true);
  });

  it('keeps every rule at its number: rules with conditions show it, and a save moves a rule only when one before it goes', async () => {
    const prodDeny = { effect: 'deny' as const, actions: ['upload:destroy'], conditions: { folder: { $regex: '^prod/' } } };
    policy = { ...policy, rules: [{ effect: 'allow', actions: ['upload:*', 'admin:*'] }, prodDeny], default: false };
    await mount('/environments/env1/keys/814/permissions');
    expect(container.querySelector('article h3')?.textContent).toBe('Rule #1, with conditions: deny upload:destroy');
    expect(button('Edit rule #1', group('upload:destroy').parentElement!)).toBeDefined();

    await click(radio('admin:resources.read', 'Deny'));
    await click(button('Save'));
    expect(dialog().textContent).not.toContain('move up');
    await click(button('Confirm', dialog()));
    await until(() => container.textContent!.includes('Saved'), 'Saved');
    expect(calls.find((c) => c.method === 'PUT')!.body).toMatchObject({
      rules: [{ effect: 'allow', actions: ['upload:*', 'admin:*'] }, prodDeny, { effect: 'deny', actions: ['admin:resources.read'] }],
    });

    await click(radio('All upload actions (upload:*)', 'Inherit'));
    await click(radio('All admin actions (admin:*)', 'Inherit'));
    expect(container.querySelector('article h3')?.textContent).toBe('Rule #0, with conditions: deny upload:destroy');
    await click(button('Save'));
    expect(dialog().textContent).toContain('Rules after a removed rule move up: rule #1 becomes #0, rule #2 becomes #1.');
  });

  it('discards changes', async () => {
    await mount('/environments/env1/keys/814/permissions');
    await click(radio('admin:resources.read', 'Deny'));
    await click(button('Discard changes'));
    expect(radio('admin:resources.read', 'Inherit').checked).toBe(true);
    expect(button('Save').disabled).toBe(true);
  });

  it("shows the API's refusal at the top and next to the rule it names", async () => {
    const error = { message: 'rules[1].actions[0]: something about upload:destroy', path: 'rules[1].actions[0]' };
    putAnswer = () => ({ status: 400, json: { error } });
    await mount('/environments/env1/keys/814/permissions');
    await click(radio('upload:destroy', 'Deny'));
    await click(button('Save'));
    await click(button('Confirm', dialog()));
    await until(() => container.querySelector('[role="alert"]') !== null, 'the alert');
    expect(container.querySelector('[role="alert"]')?.textContent).toBe('rules[1].actions[0]: something about upload:destroy');
    const row = group('upload:destroy').parentElement!;
    expect(row.querySelector('.perm-inline-error')?.textContent).toBe('rules[1].actions[0]: something about upload:destroy');
    expect(group('upload:upload').parentElement!.querySelector('.perm-inline-error')).toBeNull();
    expect(container.textContent).not.toContain('Saved');
  });

  it('adds a rule with conditions from a row, and places a conditions error on it', async () => {
    putAnswer = (body) => {
      const path = `rules[${body.rules.length - 1}].conditions.folder`;
      return { status: 400, json: { error: { message: `${path}: bad`, path } } };
    };
    await mount('/environments/env1/keys/814/permissions');
    const row = group('upload:destroy').parentElement!;
    await click(button('Add condition to upload:destroy', row));
    await choose(labelled<HTMLSelectElement>('Operator', row), '$regex');
    await type(labelled('Value', row), '^prod/');
    await click(button('Add rule', row));
    const card = container.querySelector('article')!;
    expect(card.textContent).toContain('Deny upload:destroy when folder matches ^prod/');
    expect(row.textContent).toContain('With conditions: deny when folder matches ^prod/');
    expect(JSON.parse(labelled<HTMLTextAreaElement>('Conditions (JSON)', card).value)).toEqual({ folder: { $regex: '^prod/' } });

    await type(labelled('Conditions (JSON)', card), '{"folder": ');
    expect(card.textContent).toContain('Not valid JSON');
    expect(button('Save').disabled).toBe(true);
    await type(labelled('Conditions (JSON)', card), '{"folder": {"$regex": "^live/"}}');
    expect(button('Save').disabled).toBe(false);

    await click(button('Save'));
    expect([...dialog().querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'conditions added to deny upload:destroy (when folder matches ^live/)',
    ]);
    await click(button('Confirm', dialog()));
    await until(() => card.querySelector('.perm-inline-error') !== null, 'the error in place');
    expect(card.querySelector('.perm-inline-error')?.textContent).toMatch(/^rules\[\d\]\.conditions\.folder: bad$/);
    expect(calls.find((c) => c.method === 'PUT')!.body).toMatchObject({
      rules: expect.arrayContaining([{ effect: 'deny', actions: ['upload:destroy'], conditions: { folder: { $regex: '^live/' } } }]),
    });
  });

  it('is read-only for a key that may not change permissions', async () => {
    await mount('/environments/env1/keys/814/permissions', [
      'provisioning:access_keys.permissions.read',
      'provisioning:permissions.simulate',
    ]);
    expect(container.textContent).toContain('Your key may read these permissions but not change them.');
    expect(radio('upload:destroy', 'Allow').disabled).toBe(true);
    expect([...container.querySelectorAll('button')].map((b) => b.textContent)).not.toContain('Save');
    expect([...container.querySelectorAll('button')].map((b) => b.textContent)).toContain('Try it');
  });

  it("shows the account key's provisioning actions", async () => {
    policy = { api_key: '900', rules: [{ effect: 'allow', actions: ['*'] }], roles: [], default: true };
    await mount('/account-keys/900/permissions');
    expect(container.querySelector('h1')?.textContent).toBe('Permissions of Ops');
    expect(section('Provisioning API')).toBeDefined();
    expect(container.textContent).toContain('Account API key.');
    expect(group('All actions (*)').textContent).toContain('Every action of every plugin, present and future');
    expect(radio('All actions (*)', 'Allow').checked).toBe(true);
    await click(radio('provisioning:users.read', 'Deny'));
    await click(button('Save'));
    await click(button('Confirm', dialog()));
    await until(() => calls.some((c) => c.method === 'PUT'), 'the PUT');
    expect(calls.find((c) => c.method === 'PUT')!.path).toBe(`${ACCOUNT}/account_api_keys/900/permissions`);
  });

  it('tries a decision: the resource must be JSON, and the answer shows with its trace', async () => {
    await mount('/environments/env1/keys/814/permissions');
    const tryIt = section('Try it')!;
    expect(tryIt.textContent).toContain('Uses the rules stored for this key');
    const action = labelled<HTMLSelectElement>('Action', tryIt);
    expect([...action.options].map((o) => o.value)).toEqual(['upload:upload', 'upload:destroy', 'admin:resources.read']);
    await choose(action, 'upload:destroy');
    await type(labelled('Resource (JSON)', tryIt), '{folder}');
    await click(button('Try it', tryIt));
    expect(tryIt.textContent).toContain('Not valid JSON');
    expect(calls.some((c) => c.path.endsWith('/simulate'))).toBe(false);

    await type(labelled('Resource (JSON)', tryIt), '{"folder": "prod/x"}');
    await type(labelled('Cloud name', tryIt), 'product1');
    await click(button('Try it', tryIt));
    await until(() => tryIt.querySelector('[role="status"]')!.textContent!.includes('Denied'), 'the decision');
    expect(calls.find((c) => c.path.endsWith('/simulate'))!.body).toEqual({
      api_key: '814',
      action: 'upload:destroy',
      cloud_name: 'product1',
      resource: { folder: 'prod/x' },
    });
    expect(tryIt.querySelector('[role="status"]')!.textContent).toContain('DENIED_BY_RULE');
    expect([...tryIt.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual([
      'Rule #',
      'Rule',
      'Effect',
      'Covers action',
      'Conditions match',
      'Decisive',
    ]);
    expect(tryIt.querySelectorAll('tbody tr')).toHaveLength(2);

    // A resource that is not JSON clears the last decision: it was for another request.
    await type(labelled('Resource (JSON)', tryIt), '{"folder": ');
    await click(button('Try it', tryIt));
    expect(tryIt.textContent).toContain('Not valid JSON');
    expect(tryIt.querySelector('[role="status"]')!.textContent).toBe('');
    expect(tryIt.querySelector('table')).toBeNull();
  });
});
