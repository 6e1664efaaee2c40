import { Column, Entity, PrimaryColumn } from 'typeorm';

export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];

/** A person's display and e-mail preferences (My Profile); one row per user, written on the first change. */
@Entity('user_preferences')
export class UserPreferencesEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 32 })
  userId!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  /** A BCP 47 language tag, e.g. `en` or `fr-CA`. */
  @Column({ type: 'varchar', length: 35 })
  language!: string;

  @Column({ type: 'varchar', length: 8 })
  theme!: Theme;

  /** Which optional mails the user wants, by name (security mails are always sent). */
  @Column({ name: 'email_preferences', type: 'simple-json' })
  emailPreferences!: Record<string, boolean>;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
