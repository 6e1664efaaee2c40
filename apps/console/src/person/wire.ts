import type { Schemas } from '../api';

/** What the sign-in routes answer: where the sign-in stands (`POST /v1_1/sign-in`, invitations, a second factor). */
export type SignInResult = Schemas['SignInResultDto'];
/** `GET /v1_1/session`: who the cookie signs in, and how far. */
export type CurrentSession = Schemas['CurrentSessionDto'];
export type SessionStage = CurrentSession['stage'];
/** One of `GET /v1_1/me/sessions`. */
export type PersonSession = Schemas['SessionDto'];

/** `GET /v1_1/me`, and what `PUT /v1_1/me` answers. */
export type Profile = Schemas['ProfileDto'];
export type ThemePreference = Profile['theme'];
/** `POST /v1_1/invitations/inspect`: whose invitation a link is, to which account. */
export type Invitation = Schemas['InvitationDto'];

/** A key to add to an authenticator app, shown once (`POST /v1_1/sign-in/enrollment`, `POST /v1_1/me/two-factor`). */
export type TwoFactorEnrollment = Schemas['TwoFactorEnrollmentDto'];
/** Recovery codes, shown once. */
export type RecoveryCodes = Schemas['RecoveryCodesDto'];
/** `GET /v1_1/me/two-factor`. */
export type TwoFactorStatus = Schemas['TwoFactorStatusDto'];
