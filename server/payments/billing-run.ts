import { system } from '../core/actor';
import { withActor, type ServiceContext } from '../core/context';
import { issueDueRecurringInvoices } from '../finance/recurring-scheduler';
import { runDueAutopay, scheduleAutopayOnIssue, type TAutopayRun } from './autopay';
import type { TGatewayResolver } from './saved-cards';

/**
 * One tick of the billing scheduler: issue the recurring invoices that are due (their auto-pay
 * attempts are written with them), then send the auto-pay attempts and retries that are due.
 * Issuing is one synchronous transaction per period; the gateway calls come after, outside.
 */
export async function runRecurringBilling(
  base: ServiceContext,
  resolve?: TGatewayResolver,
): Promise<{ issued: number; alreadyIssued: number; autopay: TAutopayRun }> {
  const ctx = withActor(base, system);
  const issued = await issueDueRecurringInvoices(ctx, scheduleAutopayOnIssue);
  const autopay = await runDueAutopay(ctx, resolve);
  return { ...issued, autopay };
}
