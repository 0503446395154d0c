import { flag, id, index, int, json, table, text, timestamp } from './dialect';
import { companies, contacts, users } from './people';

/* A company's technical records (seed 004 Part IV). Dates a person enters are `YYYY-MM-DD`. */

export const assets = table(
  'assets',
  {
    id: id(),
    companyId: int('company_id').notNull().references(() => companies.id),
    name: text('name').notNull(),
    type: text('type').notNull(),
    make: text('make'),
    model: text('model'),
    serialNumber: text('serial_number'),
    installDate: text('install_date'),
    warrantyExpiry: text('warranty_expiry'),
    assignedContactId: int('assigned_contact_id').references(() => contacts.id),
    notes: text('notes'),
    archivedAt: timestamp('archived_at'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('assets_company').on(t.companyId), index('assets_contact').on(t.assignedContactId)],
);

/** Files kept for a company; stored by content hash like ticket attachments. */
export const documents = table(
  'documents',
  {
    id: id(),
    companyId: int('company_id').notNull().references(() => companies.id),
    title: text('title').notNull(),
    description: text('description'),
    sha256: text('sha256').notNull(),
    size: int('size').notNull(),
    mimeType: text('mime_type').notNull(),
    filename: text('filename').notNull(),
    /** Staff decide what the client sees; uploads by a client are visible to it. */
    visibleToClient: flag('visible_to_client').notNull().default(false),
    uploadedByUserId: int('uploaded_by_user_id').references(() => users.id),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('documents_company').on(t.companyId)],
);

export const domains = table(
  'domains',
  {
    id: id(),
    companyId: int('company_id').notNull().references(() => companies.id),
    name: text('name').notNull(),
    registrar: text('registrar'),
    expiresOn: text('expires_on'),
    nameServers: json<string[]>('name_servers').notNull().default([]),
    notes: text('notes'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('domains_company').on(t.companyId)],
);

export const certificates = table(
  'certificates',
  {
    id: id(),
    companyId: int('company_id').notNull().references(() => companies.id),
    name: text('name').notNull(),
    fqdn: text('fqdn').notNull(),
    issuer: text('issuer'),
    expiresOn: text('expires_on'),
    notes: text('notes'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('certificates_company').on(t.companyId)],
);

export type TAsset = typeof assets.$inferSelect;
export type TDocument = typeof documents.$inferSelect;
export type TDomain = typeof domains.$inferSelect;
export type TCertificate = typeof certificates.$inferSelect;
