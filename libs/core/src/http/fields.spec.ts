import { assertJsonDepth, MAX_JSON_DEPTH } from './fields.js';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('assertJsonDepth', () => {
  test(`accepts ${MAX_JSON_DEPTH} levels and refuses one more`, () => {
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => assertJsonDepth(`{"a":${nested(MAX_JSON_DEPTH)}}`)).toThrow(`JSON may nest at most ${MAX_JSON_DEPTH} levels deep`);
  });

  test('counts brackets only outside strings, escaped quotes included', () => {
    const brackets = '['.repeat(MAX_JSON_DEPTH * 2);
    expect(() => assertJsonDepth(JSON.stringify({ name: brackets, quoted: `"${brackets}\\"` }))).not.toThrow();
  });

  test('counts the depth, not the number of values', () => {
    expect(() => assertJsonDepth(JSON.stringify(Array.from({ length: 1000 }, () => [{ a: [1] }])))).not.toThrow();
  });
});
