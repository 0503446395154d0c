import { z } from 'zod';

/* Inputs of the technical services (seed 004 Part IV). Empty optional fields become null. */

export const ASSET_TYPES = ['Workstation', 'Laptop', 'Server', 'Printer', 'Network device', 'Phone', 'Tablet', 'Monitor', 'Other'] as const;

const id = (what: string) => z.number(`Choose ${what}.`).int(`Choose ${what}.`).positive(`Choose ${what}.`);
const required = (label: string, max: number) =>
  z.string(`Enter ${label}.`).trim().min(1, `Enter ${label}.`).max(max, `Keep ${label} under ${max} characters.`);
const optional = (label: string, max: number) =>
  z
    .string(`${label} must be text.`)
    .trim()
    .max(max, `Keep ${label} under ${max} characters.`)
    .nullish()
    .transform((v) => v || null);

const validDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
/** 'YYYY-MM-DD' (what a date input sends), or empty for none. */
export const ZDate = z
  .string('Enter a date.')
  .trim()
  .refine((v) => v === '' || validDate(v), 'Enter a date as YYYY-MM-DD.')
  .nullish()
  .transform((v) => v || null);

const HOST = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const hostname = (message: string) =>
  z
    .string(message)
    .trim()
    .toLowerCase()
    .transform((v) => v.replace(/\.$/, ''))
    .pipe(z.string().regex(HOST, message));

export const ZSearch = z.string('Search must be text.').trim().max(100, 'Keep the search under 100 characters.').optional();
/** Staff name the company; a contact's own company is implied (another one is refused). */
const companyFilter = id('a company').optional();

export const ZAssetFields = z.object({
  name: required('the asset name', 120),
  type: z.enum(ASSET_TYPES, 'Choose an asset type.'),
  make: optional('the make', 120),
  model: optional('the model', 120),
  serialNumber: optional('the serial number', 120),
  installDate: ZDate,
  warrantyExpiry: ZDate,
  assignedContactId: id('a contact').nullish().transform((v) => v ?? null),
  notes: optional('the notes', 2000),
});
const warrantyAfterInstall = (a: { installDate: string | null; warrantyExpiry: string | null }) => !a.installDate || !a.warrantyExpiry || a.warrantyExpiry >= a.installDate;
const warrantyMessage = { message: 'The warranty cannot end before the install date.', path: ['warrantyExpiry'] };

export const ZCreateAssetInput = ZAssetFields.extend({ companyId: id('a company') }).refine(warrantyAfterInstall, warrantyMessage);
export const ZUpdateAssetInput = ZAssetFields.extend({ assetId: id('an asset') }).refine(warrantyAfterInstall, warrantyMessage);
export const ZAssetIdInput = z.object({ assetId: id('an asset') });
export const ZArchiveAssetInput = z.object({ assetId: id('an asset'), archived: z.boolean('Archived must be true or false.') });
export const ZListAssetsInput = z.object({
  companyId: companyFilter,
  search: ZSearch,
  type: z.enum(ASSET_TYPES, 'Choose an asset type.').optional(),
  assignedContactId: id('a contact').optional(),
  warranty: z.enum(['any', 'expiring', 'expired'], 'Choose any, expiring or expired.').default('any'),
  includeArchived: z.boolean('Include archived must be true or false.').default(false),
});

export const ZDocumentUploadInput = z.object({
  companyId: companyFilter,
  title: optional('the title', 200),
  description: optional('the description', 2000),
  visibleToClient: z.boolean('Visible to client must be true or false.').default(false),
});
export const ZUpdateDocumentInput = z.object({
  documentId: id('a document'),
  title: required('a title', 200),
  description: optional('the description', 2000),
  visibleToClient: z.boolean('Visible to client must be true or false.'),
});
export const ZDocumentIdInput = z.object({ documentId: id('a document') });
export const ZListDocumentsInput = z.object({ companyId: companyFilter, search: ZSearch });

export const ZDomainFields = z.object({
  name: hostname('Enter a domain name like example.com.'),
  registrar: optional('the registrar', 120),
  expiresOn: ZDate,
  nameServers: z
    .array(hostname('Enter each name server as a host name, like ns1.example.com.'), 'Name servers must be a list.')
    .max(13, 'List at most 13 name servers.')
    .default([]),
  notes: optional('the notes', 2000),
});
export const ZCreateDomainInput = ZDomainFields.extend({ companyId: id('a company') });
export const ZUpdateDomainInput = ZDomainFields.extend({ domainId: id('a domain') });
export const ZDomainIdInput = z.object({ domainId: id('a domain') });

export const ZCertificateFields = z.object({
  name: required('the certificate name', 120),
  // A wildcard certificate covers *.example.com.
  fqdn: z
    .string('Enter the FQDN, like www.example.com.')
    .trim()
    .toLowerCase()
    .refine((v) => HOST.test(v.replace(/^\*\./, '')), 'Enter the FQDN, like www.example.com.'),
  issuer: optional('the issuer', 120),
  expiresOn: ZDate,
  notes: optional('the notes', 2000),
});
export const ZCreateCertificateInput = ZCertificateFields.extend({ companyId: id('a company') });
export const ZUpdateCertificateInput = ZCertificateFields.extend({ certificateId: id('a certificate') });
export const ZCertificateIdInput = z.object({ certificateId: id('a certificate') });

/** Domains and certificates are listed the same way. */
export const ZListRecordsInput = z.object({ companyId: companyFilter, search: ZSearch, expiring: z.boolean('Expiring must be true or false.').default(false) });
export const ZCompanyIdInput = z.object({ companyId: companyFilter });

export type TAssetFields = z.output<typeof ZAssetFields>;
