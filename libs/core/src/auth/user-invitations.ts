/**
 * Mails a new user the link that lets them set their password. Provided by libs/sign-in; user creation
 * (libs/people) asks through this token so that it need not depend on it, and calls it once the user is committed.
 */
export interface UserInvitations {
  /**
   * Replaces the user's earlier invitation with a new one and mails it. Never rejects: a mail that could not be
   * sent is logged (never with its link), the user stays created and pending, and the invitation can be re-sent.
   */
  invite(accountId: string, userId: string): Promise<void>;
  /**
   * The user's email changed: every link mailed to the old address stops working, and a pending user is invited
   * again at the new one. Called once the change is committed; never rejects, like invite.
   */
  emailChanged(accountId: string, userId: string): Promise<void>;
}

export const USER_INVITATIONS = Symbol('USER_INVITATIONS');
