import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { flag, timestamp } from './columns';
import { companies, contacts, users } from './people';

/* A company's technical records (seed 004 Part IV). Dates a person enters are `YYYY-MM-DD`. */

export const assets = sqliteTable(
  'assets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    companyId: integer('company_id').notNull().references(() => companies.id),
    name: text('name').notNull(),
    type: text('type').notNull(),
    make: text('make'),
    model: text('model'),
    serialNumber: text('serial_number'),
    installDate: text('install_date'),
    warrantyExpiry: text('warranty_expiry'),
    assignedContactId: integer('assigned_contact_id').references(() => contacts.id),
    notes: text('notes'),
    archivedAt: timestamp('archived_at'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('assets_company').on(t.companyId), index('assets_contact').on(t.assignedContactId)],
);

/** Files kept for a company; stored by content hash like ticket attachments. */
export const documents = sqliteTable(
  'documents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    companyId: integer('company_id').notNull().references(() => companies.id),
    title: text('title').notNull(),
    description: text('description'),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    mimeType: text('mime_type').notNull(),
    filename: text('filename').notNull(),
    /** Staff decide what the client sees; uploads by a client are visible to it. */
    visibleToClient: flag('visible_to_client').notNull().default(false),
    uploadedByUserId: integer('uploaded_by_user_id').references(() => users.id),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('documents_company').on(t.companyId)],
);

export const domains = sqliteTable(
  'domains',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    companyId: integer('company_id').notNull().references(() => companies.id),
    name: text('name').notNull(),
    registrar: text('registrar'),
    expiresOn: text('expires_on'),
    nameServers: text('name_servers', { mode: 'json' }).$type<string[]>().notNull().default([]),
    notes: text('notes'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('domains_company').on(t.companyId)],
);

export const certificates = sqliteTable(
  'certificates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    companyId: integer('company_id').notNull().references(() => companies.id),
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
