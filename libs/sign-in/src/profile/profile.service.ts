import { Injectable } from '@nestjs/common';
import { AppError, isoSeconds, Principal } from '@castellan/core';
import { AccountTransactions } from '@castellan/accounts';
import { AuditRecorder, statusOf } from '@castellan/audit';
import { UserDirectory, UserService } from '@castellan/people';
import { SignInPolicies, VerificationCodeService } from '@castellan/security';
import type { VerificationCodeSentDto } from '@castellan/security';
import { UserCredentialRepository } from '../passwords/user-credential.repository.js';
import { UserPreferencesEntity } from './user-preferences.entity.js';
import { UserPreferencesRepository } from './user-preferences.repository.js';
import {
  DEFAULT_EMAIL_PREFERENCES,
  DEFAULT_LANGUAGE,
  DEFAULT_THEME,
  EMAIL_PREFERENCES,
  EmailPreferences,
  EmailPreferencesChangeDto,
  ProfileDto,
  UpdateProfileDto,
} from './dto/profile.dto.js';

/** The audit log's actions for what a person does to their own profile. */
export const PROFILE_ACTIONS = {
  update: 'profile.update',
  verificationCode: 'profile.verification_code',
} as const;

type Preferences = Pick<UserPreferencesEntity, 'language' | 'theme'> & { emailPreferences: EmailPreferences };

/** A stored preference this version no longer knows is ignored; one it knows but the row lacks takes its default. */
function emailPreferencesOf(stored: Record<string, boolean> | undefined): EmailPreferences {
  const known = { ...DEFAULT_EMAIL_PREFERENCES };
  for (const name of EMAIL_PREFERENCES) if (typeof stored?.[name] === 'boolean') known[name] = stored[name];
  return known;
}

/** The e-mail preferences a change names. */
function givenEmailPreferences(change: EmailPreferencesChangeDto | undefined): Partial<EmailPreferences> {
  const given: Partial<EmailPreferences> = {};
  for (const name of EMAIL_PREFERENCES) if (change?.[name] !== undefined) given[name] = change[name];
  return given;
}

const preferencesOf = (row: UserPreferencesEntity | null): Preferences => ({
  language: row?.language ?? DEFAULT_LANGUAGE,
  theme: row?.theme ?? DEFAULT_THEME,
  emailPreferences: emailPreferencesOf(row?.emailPreferences),
});

/**
 * My Profile: the signed-in person's own user, preferences and support verification code. Every method acts on the
 * caller's own user only (a session's principal names it), so none of them takes a user id.
 */
@Injectable()
export class ProfileService {
  constructor(
    private readonly directory: UserDirectory,
    private readonly users: UserService,
    private readonly preferences: UserPreferencesRepository,
    private readonly credentials: UserCredentialRepository,
    private readonly policies: SignInPolicies,
    private readonly codes: VerificationCodeService,
    private readonly accounts: AccountTransactions,
    private readonly audit: AuditRecorder,
  ) {}

  async get(caller: Principal): Promise<ProfileDto> {
    const { accountId } = caller;
    const userId = caller.userId!;
    const [user, row, credential, policy] = await Promise.all([
      this.directory.findById(accountId, userId),
      this.preferences.find(accountId, userId),
      this.credentials.find(accountId, userId),
      this.policies.of(accountId),
    ]);
    // The guard found the user a moment ago: only a delete in between gets here.
    if (!user) throw AppError.notFound('User', userId);
    const preferences = preferencesOf(row);
    return {
      id: user.id,
      account_id: user.accountId,
      name: user.name,
      email: user.email,
      role: user.role,
      language: preferences.language,
      theme: preferences.theme,
      email_preferences: preferences.emailPreferences,
      two_factor_enabled: credential?.totpEnabledAt != null,
      two_factor_policy: policy.twoFactor,
      created_at: isoSeconds(user.createdAt),
      last_login: user.lastLogin ? isoSeconds(user.lastLogin) : null,
    };
  }

  /**
   * The name is the user's, changed as an admin would change it (the users table's owner, under the grant invariant,
   * which a session passes on its own user: it holds exactly what the user holds). The preferences are this part's.
   */
  async update(caller: Principal, input: UpdateProfileDto, ip: string): Promise<ProfileDto> {
    const emailChanges = givenEmailPreferences(input.email_preferences);
    const preferencesChange = input.language !== undefined || input.theme !== undefined || Object.keys(emailChanges).length > 0;
    if (input.name === undefined && !preferencesChange) throw AppError.invalid('Nothing to change');
    await this.audited(caller, ip, PROFILE_ACTIONS.update, async () => {
      // The name first: it is the change that can be refused, and the preferences after it cannot.
      if (input.name !== undefined) await this.users.update(caller, caller.userId!, { name: input.name });
      if (preferencesChange) await this.savePreferences(caller, input, emailChanges);
    });
    return this.get(caller);
  }

  /** Mails me a support verification code, counted against me like an operator's request would be. */
  sendVerificationCode(caller: Principal, ip: string): Promise<VerificationCodeSentDto> {
    return this.audited(caller, ip, PROFILE_ACTIONS.verificationCode, () => this.codes.send(caller, caller.userId!));
  }

  private async savePreferences(caller: Principal, input: UpdateProfileDto, emailChanges: Partial<EmailPreferences>): Promise<void> {
    const { accountId } = caller;
    const userId = caller.userId!;
    // Under the account lock, a user deleted meanwhile gets no row (the foreign key would refuse it), and changes at
    // once neither both insert the first row nor undo each other's fields.
    await this.accounts.run(accountId, async (manager) => {
      if (!(await this.directory.findById(accountId, userId, manager))) throw AppError.notFound('User', userId);
      const current = preferencesOf(await this.preferences.find(accountId, userId, manager));
      await this.preferences.save(manager, accountId, userId, {
        language: input.language ?? current.language,
        theme: input.theme ?? current.theme,
        emailPreferences: { ...current.emailPreferences, ...emailChanges },
      });
    });
  }

  /** Audits a change to my own profile as me, whether it was made or refused, as changes through keys are. */
  private async audited<T>(caller: Principal, ip: string, action: string, work: () => Promise<T>): Promise<T> {
    const event = { principal: caller, ip, action, target: { type: 'user', id: caller.userId! } };
    try {
      const result = await work();
      await this.audit.recordChange({ ...event, outcome: 'success', status: 200 });
      return result;
    } catch (error) {
      await this.audit.recordChange({ ...event, outcome: 'failure', status: statusOf(error) });
      throw error;
    }
  }
}
