import { describe, expect, it } from 'vitest';
import { parseResourceJson, simulateRequest } from './simulation';

describe('the try-it request', () => {
  it('sends only what was given', () => {
    expect(simulateRequest('814', 'upload:destroy', '  ', undefined)).toEqual({ api_key: '814', action: 'upload:destroy' });
    expect(simulateRequest('814', 'upload:destroy', ' product1 ', { folder: 'prod/x' })).toEqual({
      api_key: '814',
      action: 'upload:destroy',
      cloud_name: 'product1',
      resource: { folder: 'prod/x' },
    });
  });

  it('reads the Resource (JSON) field: empty for no resource, else an object', () => {
    expect(parseResourceJson('')).toEqual({ ok: true, value: undefined });
    expect(parseResourceJson('{"folder":"prod/x"}')).toEqual({ ok: true, value: { folder: 'prod/x' } });
    expect(parseResourceJson('"x"')).toMatchObject({ ok: false });
    expect(parseResourceJson('{oops}')).toMatchObject({ ok: false });
  });
});
