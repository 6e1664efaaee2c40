import { InitialSchema1732000000000 } from './1732000000000-initial-schema.js';
import { KeyPolicies1732100000000 } from './1732100000000-key-policies.js';
import { PeopleAndSecurity1732200000000 } from './1732200000000-people-and-security.js';
import { AuditEvents1732300000000 } from './1732300000000-audit-events.js';
import { KeyLifecycle1732400000000 } from './1732400000000-key-lifecycle.js';
import { KeyLists1732500000000 } from './1732500000000-key-lists.js';
import { KeyUsageHours1732600000000 } from './1732600000000-key-usage-hours.js';
import { UnicodeNames1732700000000 } from './1732700000000-unicode-names.js';
import { PeopleSignIn1732800000000 } from './1732800000000-people-sign-in.js';

/** Listed explicitly: the build is plain tsc, and globs would depend on the working directory. */
export const MIGRATIONS = [
  InitialSchema1732000000000,
  KeyPolicies1732100000000,
  PeopleAndSecurity1732200000000,
  AuditEvents1732300000000,
  KeyLifecycle1732400000000,
  KeyLists1732500000000,
  KeyUsageHours1732600000000,
  UnicodeNames1732700000000,
  PeopleSignIn1732800000000,
];
