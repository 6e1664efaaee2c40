import { describe, expect, it } from 'vitest';
import { descriptionError, nameError } from './forms';

describe('field rules', () => {
  it('requires a name when asked, and caps it at 255 characters', () => {
    expect(nameError('  ', { required: true })).toBe('Enter a name');
    expect(nameError('', { required: false })).toBeUndefined();
    expect(nameError('x'.repeat(256), { required: false })).toMatch(/255/);
    expect(nameError(' ok ', { required: true })).toBeUndefined();
  });

  it('caps a description at 1000 characters', () => {
    expect(descriptionError('x'.repeat(1000))).toBeUndefined();
    expect(descriptionError('x'.repeat(1001))).toMatch(/1000/);
  });
});
