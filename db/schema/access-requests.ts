import { id, index, int, table, text, timestamp } from './dialect';
import { companies, providers, staffMembers } from './people';

export const ACCESS_REQUEST_STATUSES = ['pending', 'approved', 'declined'] as const;

/** "Request access" from the sign-in page; staff approve (an invitation follows) or decline. */
export const accessRequests = table(
  'access_requests',
  {
    id: id(),
    providerId: int('provider_id').notNull().references(() => providers.id),
    name: text('name').notNull(),
    email: text('email').notNull(),
    companyName: text('company_name').notNull(),
    status: text('status', { enum: ACCESS_REQUEST_STATUSES }).notNull().default('pending'),
    ip: text('ip').notNull(),
    companyId: int('company_id').references(() => companies.id),
    decidedByStaffId: int('decided_by_staff_id').references(() => staffMembers.id),
    decidedAt: timestamp('decided_at'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('access_requests_provider_status').on(t.providerId, t.status)],
);
export type TAccessRequest = typeof accessRequests.$inferSelect;
