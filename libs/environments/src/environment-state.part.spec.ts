import type { KeyFacts } from '@castellan/core';
import { ENVIRONMENT_STATE } from './environment-state.part.js';

const environmentKey: KeyFacts = { kind: 'environment', userId: null, environmentId: 'env1' };

describe('ENVIRONMENT_STATE', () => {
  test("an environment key's environment, its enabled flag as either driver returns it", () => {
    expect(ENVIRONMENT_STATE.read({ cloud_name: 'demo', enabled: 1 }, environmentKey)).toEqual({
      id: 'env1',
      cloudName: 'demo',
      enabled: true,
    });
    expect(ENVIRONMENT_STATE.read({ cloud_name: 'demo', enabled: 0 }, environmentKey)).toEqual({
      id: 'env1',
      cloudName: 'demo',
      enabled: false,
    });
    expect(ENVIRONMENT_STATE.read({ cloud_name: 'demo', enabled: '1' }, environmentKey)?.enabled).toBe(true);
  });

  test('null when the environment is gone (no match for the join), and for keys of no environment', () => {
    expect(ENVIRONMENT_STATE.read({ cloud_name: null, enabled: null }, environmentKey)).toBeNull();
    const accountKey: KeyFacts = { kind: 'account', userId: null, environmentId: null };
    expect(ENVIRONMENT_STATE.read({ cloud_name: null, enabled: null }, accountKey)).toBeNull();
  });

  test("selects the columns it reads, over a join under an alias of environments'", () => {
    expect(ENVIRONMENT_STATE.columns('k', 'sqlite').map((c) => c.alias)).toEqual(['cloud_name', 'enabled']);
    expect(ENVIRONMENT_STATE.joins!('k')).toEqual([
      expect.objectContaining({ table: 'product_environments', alias: 'environments_environment' }),
    ]);
  });
});
