import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { flag, timestamp } from './columns';

export const CONTACT_TYPES = ['standard', 'billing', 'technical', 'primary'] as const;
export type TContactType = (typeof CONTACT_TYPES)[number];
export const STAFF_ROLES = ['admin', 'technician'] as const;
export type TStaffRole = (typeof STAFF_ROLES)[number];

/** The MSP. A portal may serve several; each has a short identifier used on "Request access". */
export const providers = sqliteTable('providers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  identifier: text('identifier').notNull().unique(),
  currency: text('currency').notNull().default('USD'),
  nextTicketNumber: integer('next_ticket_number').notNull().default(1001),
  requireStaff2fa: flag('require_staff_2fa').notNull().default(true),
  passwordMinLength: integer('password_min_length').notNull().default(8),
  passwordRequireClasses: flag('password_require_classes').notNull().default(false),
  statusUrl: text('status_url'),
  /** Privacy prompts: when set, users flagged `consentRequired` accept this version first. */
  privacyPolicyVersion: text('privacy_policy_version'),
  privacyPolicyUrl: text('privacy_policy_url'),
  /** Seed 004 §7: "Time tracking (if visible)". */
  showTimeSpent: flag('show_time_spent').notNull().default(true),
  nextInvoiceNumber: integer('next_invoice_number').notNull().default(1001),
  nextQuoteNumber: integer('next_quote_number').notNull().default(1001),
  /** SHA-256 of the logo file under DATA_DIR (shown on invoices and in the portal). */
  logoSha256: text('logo_sha256'),
  /** Mail from an unknown sender whose domain belongs to exactly one company: add them as a contact. */
  autoCreateContacts: flag('auto_create_contacts').notNull().default(false),
  /**
   * Mail matched only by its From, from a domain that publishes no DMARC policy: `hold` it for
   * staff, or `spf` (trust a pass of SPF for an envelope domain aligned with the From).
   */
  mailNoDmarc: text('mail_no_dmarc', { enum: ['hold', 'spf'] }).notNull().default('hold'),
  /** Sender domains whose mail is trusted without authentication (anyone can forge them). */
  mailTrustedDomains: text('mail_trusted_domains', { mode: 'json' }).$type<string[]>().notNull().default([]),
  createdAt: timestamp('created_at').notNull(),
});

/** A login identity. One person (one email) may hold several accounts: staff and/or contacts. */
export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash'),
  failedAttempts: integer('failed_attempts').notNull().default(0),
  lockedAt: timestamp('locked_at'),
  /** Residents whose consent must be on record (seed 001, EU users). */
  consentRequired: flag('consent_required').notNull().default(false),
  /** Profile photo: SHA-256 of the resized image under DATA_DIR. */
  photoSha256: text('photo_sha256'),
  createdAt: timestamp('created_at').notNull(),
});

export const staffMembers = sqliteTable(
  'staff_members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    providerId: integer('provider_id').notNull().references(() => providers.id),
    userId: integer('user_id').notNull().references(() => users.id),
    role: text('role', { enum: STAFF_ROLES }).notNull(),
    active: flag('active').notNull().default(true),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [uniqueIndex('staff_provider_user').on(t.providerId, t.userId)],
);

export const companies = sqliteTable(
  'companies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    providerId: integer('provider_id').notNull().references(() => providers.id),
    name: text('name').notNull(),
    emailDomains: text('email_domains', { mode: 'json' }).$type<string[]>().notNull().default([]),
    require2fa: flag('require_2fa').notNull().default(false),
    archivedAt: timestamp('archived_at'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('companies_provider').on(t.providerId)],
);

export const contacts = sqliteTable(
  'contacts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    companyId: integer('company_id').notNull().references(() => companies.id),
    userId: integer('user_id').references(() => users.id),
    name: text('name').notNull(),
    email: text('email').notNull(),
    title: text('title'),
    department: text('department'),
    phoneOffice: text('phone_office'),
    phoneCell: text('phone_cell'),
    types: text('types', { mode: 'json' }).$type<TContactType[]>().notNull(),
    portalAccess: flag('portal_access').notNull().default(true),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [
    index('contacts_company').on(t.companyId),
    index('contacts_user').on(t.userId),
    uniqueIndex('contacts_company_email').on(t.companyId, t.email),
  ],
);

export type TProvider = typeof providers.$inferSelect;
export type TUser = typeof users.$inferSelect;
export type TStaffMember = typeof staffMembers.$inferSelect;
export type TCompany = typeof companies.$inferSelect;
export type TContact = typeof contacts.$inferSelect;
