/**
 * Why a request was refused authentication. The caller is told only "Invalid credentials" (401), or to retry
 * later (429) while throttled, so that nothing is learned from a refusal; the audit log keeps the reason for the
 * account's security team.
 */
export enum AuthFailureReason {
  /** No Basic header, or not one a key could have sent. */
  MissingCredentials = 'MISSING_CREDENTIALS',
  /** The secret is not a well-formed Castellan secret (format or checksum). */
  MalformedSecret = 'MALFORMED_SECRET',
  UnknownKey = 'UNKNOWN_KEY',
  WrongSecret = 'WRONG_SECRET',
  KeyDisabled = 'KEY_DISABLED',
  KeyExpired = 'KEY_EXPIRED',
  /** The client's address is outside the key's or the account's allowlist. */
  IpNotAllowed = 'IP_NOT_ALLOWED',
  /** A user key whose user is disabled or gone. */
  UserUnavailable = 'USER_UNAVAILABLE',
  /** A session cookie that names no session: never opened, signed out, or ended by its user or a master admin. */
  SessionUnknown = 'SESSION_UNKNOWN',
  /** A session past its idle or absolute lifetime. */
  SessionExpired = 'SESSION_EXPIRED',
  /** A session still waiting for its second factor, or for the enrollment the account's policy requires. */
  SignInIncomplete = 'SIGN_IN_INCOMPLETE',
  /** A session the account's policy no longer allows (SSO required since it began with a password). */
  PolicyChanged = 'POLICY_CHANGED',
  /** A valid key used on another account's path. */
  WrongAccount = 'WRONG_ACCOUNT',
  /**
   * Not a refusal of its own: marks the failure that started a block of the client's address or of the api_key
   * (429 until it ends). The attempts refused during the block are not recorded one by one.
   */
  Throttled = 'THROTTLED',
}
