import { eq } from 'drizzle-orm';
import type { TDb } from '../../db/client';
import { gatewayEvents } from '../../db/schema/payments';
import type { TTx } from '../core/unit-of-work';

/*
 * Webhook idempotency: each gateway event id is recorded once, in the same transaction as the
 * change it causes, so a replay or a duplicate delivery changes nothing.
 */

/** Whether this event was already applied. */
export async function gatewayEventSeen(db: TDb | TTx, eventId: string): Promise<boolean> {
  return Boolean((await db.select({ id: gatewayEvents.id }).from(gatewayEvents).where(eq(gatewayEvents.id, eventId)))[0]);
}

/**
 * Records the event inside the caller's transaction; false when it was already there (the
 * caller then changes nothing). Call it first in the transaction that applies the event.
 */
export async function claimGatewayEvent(tx: TTx, event: { id: string; type: string; providerId: number; receivedAt: Date }): Promise<boolean> {
  const row = (await tx
    .insert(gatewayEvents)
    .values({ id: event.id, type: event.type, providerId: event.providerId, receivedAt: event.receivedAt })
    .onConflictDoNothing()
    .returning({ id: gatewayEvents.id }))[0];
  return Boolean(row);
}
