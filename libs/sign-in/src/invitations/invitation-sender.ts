import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig, isoSeconds } from '@castellan/core';
import type { UserInvitations } from '@castellan/core';
import { AccountService, AccountTransactions } from '@castellan/accounts';
import { UserDirectory } from '@castellan/people';
import type { UserEntity } from '@castellan/people';
import { Mailer } from '@castellan/security';
import { IssuedToken, SignInTokens } from './sign-in-tokens.js';

/**
 * Issues invitations and mails them: when a user is created (through USER_INVITATIONS) and when an admin re-sends
 * one. The link puts the token in the URL's fragment, which browsers send to no server: it stays out of access logs
 * and Referer headers, and the console reads it from there.
 */
@Injectable()
export class InvitationSender implements UserInvitations {
  private readonly logger = new Logger('Invitations');
  private readonly validMs: number;
  private readonly publicUrl: string;

  constructor(
    private readonly tokens: SignInTokens,
    private readonly users: UserDirectory,
    private readonly accounts: AccountService,
    private readonly transactions: AccountTransactions,
    private readonly mailer: Mailer,
    config: AppConfig,
  ) {
    this.validMs = config.signIn.invitationValidHours * 3_600_000;
    this.publicUrl = config.publicUrl;
  }

  /** A disabled user is not invited: an admin re-sends the invitation once they enable them. */
  async invite(accountId: string, userId: string): Promise<void> {
    try {
      const user = await this.users.findById(accountId, userId);
      if (!user?.enabled) return;
      await this.mail(user, await this.transactions.run(accountId, (manager) => this.issue(manager, user)));
    } catch (error) {
      this.logger.error(`Could not invite user ${userId} of account ${accountId}: ${(error as Error).message}`);
    }
  }

  async emailChanged(accountId: string, userId: string): Promise<void> {
    try {
      const user = await this.users.findById(accountId, userId);
      if (!user) return;
      const issued = await this.transactions.run(accountId, async (manager) => {
        await this.tokens.revoke(manager, accountId, userId);
        return user.pending && user.enabled ? this.issue(manager, user) : null;
      });
      if (issued) await this.mail(user, issued);
    } catch (error) {
      this.logger.error(`Could not void the links of user ${userId} of account ${accountId}: ${(error as Error).message}`);
    }
  }

  /** A new invitation in place of the user's earlier one; the caller holds the account lock. */
  issue(manager: EntityManager, user: UserEntity): Promise<IssuedToken> {
    return this.tokens.issue(manager, user, 'invitation', this.validMs);
  }

  async mail(user: UserEntity, { token, expiresAt }: IssuedToken): Promise<void> {
    const { name: account } = await this.accounts.get(user.accountId);
    await this.mailer.send({
      to: user.email,
      subject: `You are invited to ${account} on Castellan`,
      text: [
        `Hello ${user.name},`,
        '',
        `You have been added to the account "${account}" on Castellan as ${user.email}.`,
        'To accept, open this link and choose your password:',
        '',
        `${this.publicUrl}/console/#/invitation/${token}`,
        '',
        `The link works once, until ${isoSeconds(expiresAt)} (UTC). After that, or if you did not expect this invitation,`,
        `ask an administrator of "${account}" (whoever added you) to send a new one.`,
      ].join('\n'),
    });
  }
}
