import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { newPasswordErrors, placeRefusal } from './passwords';

describe('a new password', () => {
  it('is required, and typed the same twice', () => {
    expect(newPasswordErrors({ password: '', repeat: '' })).toEqual({ password: 'Enter a new password' });
    expect(newPasswordErrors({ password: 'correct horse battery', repeat: 'correct horse batery' })).toEqual({
      repeat: expect.stringMatching(/differ/),
    });
    expect(newPasswordErrors({ password: 'correct horse battery', repeat: 'correct horse battery' })).toEqual({});
  });

  it("leaves the policy to the API: a short one is the API's to refuse", () => {
    expect(newPasswordErrors({ password: 'short', repeat: 'short' })).toEqual({});
  });
});

describe("the API's refusal", () => {
  const fields = { password: 'password', new_password: 'password', current_password: 'current' } as const;

  it('shows at the field its path names', () => {
    const refusal = new ApiError(400, 'new_password is too common', 'new_password');
    expect(placeRefusal(refusal, fields)).toEqual({ field: { password: 'new_password is too common' }, form: null });
    expect(placeRefusal(new ApiError(400, 'wrong', 'current_password'), fields)).toEqual({ field: { current: 'wrong' }, form: null });
  });

  it('shows for the form when it names no field of it, or is no 400', () => {
    expect(placeRefusal(new ApiError(400, 'The link is not valid', 'token'), fields)).toEqual({ field: {}, form: 'The link is not valid' });
    expect(placeRefusal(new ApiError(429, 'Too many', 'password'), fields)).toEqual({ field: {}, form: 'Too many' });
    expect(placeRefusal(new Error('offline'), fields)).toEqual({ field: {}, form: 'offline' });
  });
});
