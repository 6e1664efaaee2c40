import { describe, expect, it } from 'vitest';
import type { ApiKey } from '../../keys/keys';
import { FIND_PAGE_SIZE, findKey } from './findKey';

const key = (api_key: string) => ({ api_key, name: `key_${api_key}` }) as ApiKey;

function pager(count: number) {
  const all = Array.from({ length: count }, (_, i) => key(String(100000000000000 + i)));
  const asked: number[] = [];
  const fetchPage = async (page: number, size: number) => {
    asked.push(page);
    return { access_keys: all.slice((page - 1) * size, page * size), total: all.length };
  };
  return { all, asked, fetchPage };
}

describe('findKey', () => {
  it('finds a key on the first page without asking for more', async () => {
    const { all, asked, fetchPage } = pager(10);
    expect(await findKey(fetchPage, all[3].api_key)).toBe(all[3]);
    expect(asked).toEqual([1]);
  });

  it('pages on until it finds the key', async () => {
    const { all, asked, fetchPage } = pager(FIND_PAGE_SIZE * 2 + 5);
    expect(await findKey(fetchPage, all[FIND_PAGE_SIZE * 2 + 1].api_key)).toBe(all[FIND_PAGE_SIZE * 2 + 1]);
    expect(asked).toEqual([1, 2, 3]);
  });

  it('answers null once the list ends, also on an exact page boundary', async () => {
    const short = pager(3);
    expect(await findKey(short.fetchPage, 'nope')).toBeNull();
    expect(short.asked).toEqual([1]);
    const exact = pager(FIND_PAGE_SIZE);
    expect(await findKey(exact.fetchPage, 'nope')).toBeNull();
    expect(exact.asked).toEqual([1]);
  });
});
