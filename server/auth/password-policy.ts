import { desc, eq, inArray } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { passwordHistory } from '../../db/schema/password-history';
import { companies, contacts, providers, staffMembers, users } from '../../db/schema/people';
import { AppError } from '../core/app-error';
import type { TTx } from '../core/unit-of-work';
import { isCommonPassword } from './common-passwords';
import { verifyPassword } from './password';

export const PASSWORD_MAX_LENGTH = 128;
/** A new password may not be the current one or any of the four before it. */
export const PASSWORD_HISTORY = 5;

export interface TPasswordPolicy {
  minLength: number;
  maxLength: number;
  /** Seed 000's optional rule: three of upper case, lower case, digits, symbols. */
  requireClasses: boolean;
}

const DEFAULT_POLICY: TPasswordPolicy = { minLength: 8, maxLength: PASSWORD_MAX_LENGTH, requireClasses: false };

/** A provider's policy. */
export async function policyForProvider(db: TDb, providerId: number): Promise<TPasswordPolicy> {
  const p = (await db.select().from(providers).where(eq(providers.id, providerId)))[0];
  if (!p) return DEFAULT_POLICY;
  return { minLength: Math.max(8, p.passwordMinLength), maxLength: PASSWORD_MAX_LENGTH, requireClasses: p.passwordRequireClasses };
}

/** The strictest policy among every provider the user holds an account with. */
export async function policyForUser(db: TDb, userId: number): Promise<TPasswordPolicy> {
  const viaStaff = (await db.select({ id: staffMembers.providerId }).from(staffMembers).where(eq(staffMembers.userId, userId)));
  const viaContacts = (await db
    .select({ id: companies.providerId })
    .from(contacts)
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .where(eq(contacts.userId, userId)));
  const ids = [...new Set([...viaStaff, ...viaContacts].map((r) => r.id))];
  if (!ids.length) return DEFAULT_POLICY;
  const rows = (await db.select().from(providers).where(inArray(providers.id, ids)));
  return {
    minLength: Math.max(8, ...rows.map((p) => p.passwordMinLength)),
    maxLength: PASSWORD_MAX_LENGTH,
    requireClasses: rows.some((p) => p.passwordRequireClasses),
  };
}

/** The rules in the words shown next to every new-password field. */
export function describePolicy(policy: TPasswordPolicy): string[] {
  return [
    `${policy.minLength} to ${policy.maxLength} characters; spaces and any symbols are allowed.`,
    ...(policy.requireClasses ? ['At least three of: upper case letters, lower case letters, digits, symbols.'] : []),
    'Not your name or email address, and not the word "password".',
    'Not a common or previously breached password.',
    `Not one of your last ${PASSWORD_HISTORY} passwords.`,
  ];
}

const classCount = (pw: string) =>
  [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(pw)).length;

/** The rules that need no stored hashes; each problem is a sentence for the form. */
export function passwordProblems(policy: TPasswordPolicy, password: string, who: { email: string; name: string }): string[] {
  const problems: string[] = [];
  // Counted in code points, so an emoji counts as one character, as a person would count it.
  const length = [...password].length;
  if (length < policy.minLength) problems.push(`Use at least ${policy.minLength} characters.`);
  if (length > policy.maxLength) problems.push(`Use at most ${policy.maxLength} characters.`);
  if (policy.requireClasses && classCount(password) < 3) {
    problems.push('Use at least three of: upper case letters, lower case letters, digits, symbols.');
  }
  const lower = password.toLowerCase();
  const local = (who.email.split('@')[0] ?? '').toLowerCase();
  const compactName = who.name.toLowerCase().replace(/\s+/g, '');
  if (lower.includes('password')) problems.push('Do not use the word "password".');
  else if (isCommonPassword(password)) problems.push('This password is too common: it appears in lists of breached passwords.');
  if (
    lower.includes(who.email.toLowerCase()) ||
    (local.length >= 3 && lower.includes(local)) ||
    (compactName.length >= 4 && lower.replace(/\s+/g, '').includes(compactName))
  ) {
    problems.push('Do not use your name or email address.');
  }
  return problems;
}

/** Throws a field error unless the password meets the policy and is not a recent one. */
export async function assertAcceptablePassword(
  db: TDb,
  policy: TPasswordPolicy,
  password: string,
  who: { id: number | null; email: string; name: string },
): Promise<void> {
  const problems = passwordProblems(policy, password, who);
  if (!problems.length && who.id !== null && (await isRecentPassword(db, who.id, password))) {
    problems.push(`Choose a password you have not used before: it may not be one of your last ${PASSWORD_HISTORY}.`);
  }
  if (problems.length) throw new AppError('BAD_INPUT', problems.join(' '), { field: 'password' });
}

async function isRecentPassword(db: TDb, userId: number, password: string): Promise<boolean> {
  const current = (await db.select({ h: users.passwordHash }).from(users).where(eq(users.id, userId)))[0]?.h;
  const older = (await db
    .select({ h: passwordHistory.passwordHash })
    .from(passwordHistory)
    .where(eq(passwordHistory.userId, userId))
    .orderBy(desc(passwordHistory.id))
    .limit(PASSWORD_HISTORY - 1))
    .map((r) => r.h);
  for (const h of [current, ...older]) if (h && (await verifyPassword(h, password))) return true;
  return false;
}

/**
 * Stores a new password hash inside the caller's transaction: the old hash goes to the
 * history (only the last few are kept), the lockout is cleared.
 */
export async function storeNewPassword(tx: TTx, userId: number, passwordHash: string, now: Date): Promise<void> {
  const old = (await tx.select({ h: users.passwordHash }).from(users).where(eq(users.id, userId)))[0]?.h;
  if (old) (await tx.insert(passwordHistory).values({ userId, passwordHash: old, createdAt: now }));
  const keep = (await tx
    .select({ id: passwordHistory.id })
    .from(passwordHistory)
    .where(eq(passwordHistory.userId, userId))
    .orderBy(desc(passwordHistory.id))
    .limit(PASSWORD_HISTORY - 1))
    .map((r) => r.id);
  const all = (await tx.select({ id: passwordHistory.id }).from(passwordHistory).where(eq(passwordHistory.userId, userId)));
  const drop = all.map((r) => r.id).filter((id) => !keep.includes(id));
  if (drop.length) (await tx.delete(passwordHistory).where(inArray(passwordHistory.id, drop)));
  (await tx.update(users).set({ passwordHash, failedAttempts: 0, lockedAt: null }).where(eq(users.id, userId)));
}
