import type { SessionStage } from './wire';

export const SIGN_IN = '/sign-in';
export const API_KEY_SIGN_IN = '/sign-in/api-key';

/** Where each stage of a person's session leads: the console itself, or the page that completes the sign-in. */
export const STAGE_ROUTES: Record<SessionStage, string> = {
  full: '/',
  second_factor: '/sign-in/second-factor',
  enrollment: '/sign-in/enrollment',
};

/** Where the console stands, as far as its routes care. */
export type Phase =
  { phase: 'signed-out'; via: 'person' | 'key' } | { phase: 'signing-in'; person: { stage: SessionStage } } | { phase: 'signed-in' };

/**
 * The page the console belongs on: the console once signed in, the page of the stage a person's sign-in waits at,
 * or the sign-in form last used (signing out of a key returns to the key form).
 */
export function landing(state: Phase): string {
  switch (state.phase) {
    case 'signed-in':
      return '/';
    case 'signing-in':
      return STAGE_ROUTES[state.person.stage];
    case 'signed-out':
      return state.via === 'key' ? API_KEY_SIGN_IN : SIGN_IN;
  }
}
