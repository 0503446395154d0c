import { flag, id, index, int, json, table, text, timestamp, uniqueIndex } from './dialect';

export const CONTACT_TYPES = ['standard', 'billing', 'technical', 'primary'] as const;
export type TContactType = (typeof CONTACT_TYPES)[number];
export const STAFF_ROLES = ['admin', 'technician'] as const;
export type TStaffRole = (typeof STAFF_ROLES)[number];

/** The MSP. A portal may serve several; each has a short identifier used on "Request access". */
export const providers = table('providers', {
  id: id(),
  name: text('name').notNull(),
  identifier: text('identifier').notNull().unique(),
  currency: text('currency').notNull().default('USD'),
  nextTicketNumber: int('next_ticket_number').notNull().default(1001),
  requireStaff2fa: flag('require_staff_2fa').notNull().default(true),
  passwordMinLength: int('password_min_length').notNull().default(8),
  passwordRequireClasses: flag('password_require_classes').notNull().default(false),
  statusUrl: text('status_url'),
  /** Privacy prompts: when set, users flagged `consentRequired` accept this version first. */
  privacyPolicyVersion: text('privacy_policy_version'),
  privacyPolicyUrl: text('privacy_policy_url'),
  /** The policy's own text, for a provider without a web page for it (a URL or this is required). */
  privacyPolicyText: text('privacy_policy_text'),
  /** Seed 004 §7: "Time tracking (if visible)". */
  showTimeSpent: flag('show_time_spent').notNull().default(true),
  nextInvoiceNumber: int('next_invoice_number').notNull().default(1001),
  nextQuoteNumber: int('next_quote_number').notNull().default(1001),
  /** SHA-256 of the logo file under DATA_DIR (shown on invoices and in the portal). */
  logoSha256: text('logo_sha256'),
  /** How to pay other than by card (bank transfer details, a phone number): on invoice pages and PDFs. */
  paymentInstructions: text('payment_instructions'),
  /** Mail from an unknown sender whose domain belongs to exactly one company: add them as a contact. */
  autoCreateContacts: flag('auto_create_contacts').notNull().default(false),
  /**
   * Mail matched only by its From, from a domain that publishes no DMARC policy: `hold` it for
   * staff, or `spf` (trust a pass of SPF for an envelope domain aligned with the From).
   */
  mailNoDmarc: text('mail_no_dmarc', { enum: ['hold', 'spf'] }).notNull().default('hold'),
  /** Sender domains whose mail is trusted without authentication (anyone can forge them). */
  mailTrustedDomains: json<string[]>('mail_trusted_domains').notNull().default([]),
  createdAt: timestamp('created_at').notNull(),
});

/** A login identity. One person (one email) may hold several accounts: staff and/or contacts. */
export const users = table('users', {
  id: id(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash'),
  failedAttempts: int('failed_attempts').notNull().default(0),
  lockedAt: timestamp('locked_at'),
  /** Residents whose consent must be on record (seed 001, EU users). */
  consentRequired: flag('consent_required').notNull().default(false),
  /** Profile photo: SHA-256 of the resized image under DATA_DIR. */
  photoSha256: text('photo_sha256'),
  /** IANA time zone the person's times are shown in ("Europe/Berlin"); null: the browser's. */
  timeZone: text('time_zone'),
  createdAt: timestamp('created_at').notNull(),
});

export const staffMembers = table(
  'staff_members',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    userId: int('user_id').notNull().references(() => users.id),
    role: text('role', { enum: STAFF_ROLES }).notNull(),
    active: flag('active').notNull().default(true),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [uniqueIndex('staff_provider_user').on(t.providerId, t.userId)],
);

export const companies = table(
  'companies',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    name: text('name').notNull(),
    emailDomains: json<string[]>('email_domains').notNull().default([]),
    require2fa: flag('require_2fa').notNull().default(false),
    archivedAt: timestamp('archived_at'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('companies_provider').on(t.providerId)],
);

export const contacts = table(
  'contacts',
  {
    id: id(),
    companyId: int('company_id').notNull().references(() => companies.id),
    userId: int('user_id').references(() => users.id),
    name: text('name').notNull(),
    email: text('email').notNull(),
    title: text('title'),
    department: text('department'),
    phoneOffice: text('phone_office'),
    phoneCell: text('phone_cell'),
    types: json<TContactType[]>('types').notNull(),
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
