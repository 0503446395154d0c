import { z } from 'zod';
import { CONTACT_TYPES, STAFF_ROLES } from '../../db/schema/people';

export const ZEmail = z
  .string()
  .trim()
  .max(254)
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid email address.' }));
export const ZName = z.string().trim().min(1, 'Enter a name.').max(120);

export const ZCreateProviderInput = z.object({
  name: ZName,
  identifier: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9-]{2,32}$/, 'Use 2 to 32 letters, digits or dashes.'),
  currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
});
export type TCreateProviderInput = z.input<typeof ZCreateProviderInput>;

export const ZCreateStaffInput = z.object({ name: ZName, email: ZEmail, role: z.enum(STAFF_ROLES) });
export type TCreateStaffInput = z.input<typeof ZCreateStaffInput>;

export const ZCreateCompanyInput = z.object({
  name: ZName,
  emailDomains: z.array(z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'Enter a domain like example.com.')).max(20).default([]),
  require2fa: z.boolean().default(false),
});
export type TCreateCompanyInput = z.input<typeof ZCreateCompanyInput>;

export const ZContactTypes = z
  .array(z.enum(CONTACT_TYPES))
  .min(1, 'Pick at least one contact type.')
  .transform((t) => [...new Set(t)]);

export const ZCreateContactInput = z.object({
  companyId: z.number().int().positive(),
  name: ZName,
  email: ZEmail,
  title: z.string().trim().max(120).optional(),
  department: z.string().trim().max(120).optional(),
  phoneOffice: z.string().trim().max(40).optional(),
  phoneCell: z.string().trim().max(40).optional(),
  types: ZContactTypes,
});
export type TCreateContactInput = z.input<typeof ZCreateContactInput>;
