import { describe, expect, it } from 'vitest';
import { covers } from './rules';

describe('covers', () => {
  it('follows wildcards', () => {
    expect(covers('*', 'provisioning:users.read')).toBe(true);
    expect(covers('provisioning:*', 'provisioning:users.read')).toBe(true);
    expect(covers('provisioning:*', 'upload:upload')).toBe(false);
    expect(covers('provisioning:users.read', 'provisioning:users.update')).toBe(false);
  });
});
