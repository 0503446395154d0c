import type { TAccessRequest } from '../../db/schema/access-requests';

/** What staff see of a request, the same in the list and in live events (dates as ISO text). */
export const accessRequestView = (r: TAccessRequest) => ({
  id: r.id,
  name: r.name,
  email: r.email,
  companyName: r.companyName,
  ip: r.ip,
  createdAt: r.createdAt.toISOString(),
});
export type TAccessRequestView = Awaited<ReturnType<typeof accessRequestView>>;
