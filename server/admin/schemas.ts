import { z } from 'zod';

/** The Users page's search box: matched against name and email, server side. */
export const ZListUsersInput = z.object({
  search: z.string().trim().max(100, 'Search for at most 100 characters.').default(''),
});

/** Unlock and End sessions act on one login identity, by its user id. */
export const ZUserIdInput = z.object({ userId: z.number().int().positive('Unknown user.') });

/** What the admin actions know of the call beyond the actor: the admin's own session and address. */
export interface TAdminCallMeta {
  sessionId: string;
  ip: string;
}
