import { describe, expect, it } from 'vitest';
import { API_KEY_SIGN_IN, landing, SIGN_IN, STAGE_ROUTES } from './stages';

describe('where the console belongs', () => {
  it('is the console once signed in, whoever signed in', () => {
    expect(landing({ phase: 'signed-in' })).toBe('/');
  });

  it("is the page of the stage a person's sign-in waits at", () => {
    expect(landing({ phase: 'signing-in', person: { stage: 'second_factor' } })).toBe('/sign-in/second-factor');
    expect(landing({ phase: 'signing-in', person: { stage: 'enrollment' } })).toBe('/sign-in/enrollment');
    expect(STAGE_ROUTES.full).toBe('/');
  });

  it('is the sign-in form last used once signed out: a key returns to the key form, a person to theirs', () => {
    expect(landing({ phase: 'signed-out', via: 'person' })).toBe(SIGN_IN);
    expect(landing({ phase: 'signed-out', via: 'key' })).toBe(API_KEY_SIGN_IN);
  });
});
