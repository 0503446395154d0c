import { eq } from 'drizzle-orm';
import { providers } from '../../db/schema/people';
import type { ServiceContext } from '../core/context';
import { requireStaffAdmin } from '../core/permissions';
import { allPrivacyHistory } from './privacy-history';

/**
 * One CSV cell (RFC 4180). Cells a spreadsheet would run as a formula (= + - @, or a
 * leading tab/CR) get a leading single quote so names and emails stay plain text.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** "Export CSV" on the Privacy Action History page: the whole history, times in UTC. */
export async function exportPrivacyHistory(ctx: ServiceContext): Promise<{ filename: string; csv: string }> {
  const admin = requireStaffAdmin(ctx.actor);
  const rows = await allPrivacyHistory(ctx);
  const provider = (await ctx.db.select({ identifier: providers.identifier }).from(providers).where(eq(providers.id, admin.providerId)))[0];
  const header = ['Person', 'Email', 'Policy version', 'Accepted at (UTC)', 'IP address'];
  const body = rows.map((r) => [r.name, r.email, r.policyVersion, r.acceptedAt.toISOString(), r.ip]);
  const day = ctx.clock.now().toISOString().slice(0, 10);
  // The byte order mark makes spreadsheet apps read accented names as UTF-8.
  return { filename: `privacy-action-history-${provider?.identifier ?? 'portal'}-${day}.csv`, csv: '\uFEFF' + toCsv([header, ...body]) };
}
