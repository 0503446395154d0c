import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import { companies, contacts } from '../../../db/schema/people';
import { smsGateways, type TSmsGateway } from '../../../db/schema/sms';
import type { ServiceContext } from '../../core/context';
import { phoneEnding, toE164 } from './phone-number';

export interface TSmsTarget {
  providerId: number;
  /** The cell phone in E.164. */
  to: string;
  /** Its last two digits, all the screen ever shows. */
  ending: string;
  gateway: TSmsGateway;
}

/**
 * Where a user's sign-in code would go: the cell phone on one of their contact records
 * (seed 003: "your current cell phone number must be assigned to your Client Portal user")
 * whose provider has an SMS gateway turned on. Staff records have no cell phone. Null when
 * there is none, so the method is not offered.
 */
export async function smsTargetFor(ctx: ServiceContext, userId: number): Promise<TSmsTarget | null> {
  const rows = (await ctx.db
    .select({ phoneCell: contacts.phoneCell, gateway: smsGateways })
    .from(contacts)
    .innerJoin(companies, eq(companies.id, contacts.companyId))
    .innerJoin(smsGateways, eq(smsGateways.providerId, companies.providerId))
    .where(
      and(
        eq(contacts.userId, userId),
        eq(contacts.portalAccess, true),
        isNotNull(contacts.phoneCell),
        isNull(companies.archivedAt),
        eq(smsGateways.enabled, true),
      ),
    )
    .orderBy(asc(contacts.id)));
  for (const r of rows) {
    const to = r.phoneCell ? toE164(r.phoneCell, r.gateway.defaultCountryCode) : null;
    if (to) return { providerId: r.gateway.providerId, to, ending: phoneEnding(to), gateway: r.gateway };
  }
  return null;
}
