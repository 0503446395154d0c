import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../../db/schema/outbox';
import { providers } from '../../../db/schema/people';
import type { ServiceContext } from '../../../server/core/context';
import { unitOfWork } from '../../../server/core/unit-of-work';
import { enqueueEmail } from '../../../server/outbox/enqueue-email';
import { listOutbox, outboxStatus } from '../../../server/outbox/list-outbox';
import { seedDemo } from '../../../server/seed/demo-people';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let cleanup: () => Promise<void> | void;
let providerId: number;

const send = (to: string, subject: string, headers: Record<string, string> = {}) =>
  unitOfWork(base, async (tx, emit) => await enqueueEmail(tx, emit, base.clock.now(), { providerId, to, from: 'Demo MSP <support@portico.test>', subject, text: 'Body', headers }));

beforeAll(async () => {
  const f = await freshContext();
  ({ ctx: base, cleanup } = f);
  await seedDemo(base);
  providerId = (await base.db.select().from(providers).where(eq(providers.identifier, 'demo-msp')))[0]!.id;
});
afterAll(() => cleanup());

describe('outgoing mail: what happened to each message', () => {
  it('says kept, queued, sent, retrying or failed, with the reason', () => {
    const row = (status: 'pending' | 'sent' | 'failed' | 'held', attempts = 0, lastError: string | null = null) => ({ status, attempts, lastError });
    expect(outboxStatus(row('pending'), false)).toEqual({ state: 'kept', text: 'kept: no relay set' });
    expect(outboxStatus(row('pending', 2, 'relay down'), false)).toEqual({ state: 'kept', text: 'kept: no relay set' });
    expect(outboxStatus(row('pending'), true)).toEqual({ state: 'queued', text: 'queued: not sent yet' });
    expect(outboxStatus(row('sent', 1), true)).toEqual({ state: 'sent', text: 'sent' });
    expect(outboxStatus(row('pending', 2, '421 try later'), true)).toEqual({ state: 'retrying', text: 'retrying (attempt 2 failed: 421 try later)' });
    expect(outboxStatus(row('failed', 8, '550 no such user'), true)).toEqual({ state: 'failed', text: 'failed: 550 no such user' });
    expect(outboxStatus(row('failed', 8), true).text).toBe('failed: no reason given');
  });

  it('lists headers and the status, and finds messages by recipient or subject, any case, wildcards typed as text', async () => {
    const replyTo = 'reply+abc123@portico.test';
    const first = await send('pat@acme-dental.test', 'Ticket #1001 updated', { 'Reply-To': replyTo, 'Message-ID': '<t1001@portico.test>' });
    await send('quinn@northwind.test', 'Invoice INV-1003 is due', {});
    await send('sam@acme-dental.test', '100% uptime report', {});
    await base.db.update(outbox).set({ status: 'failed', attempts: 8, lastError: '550 5.1.1 mailbox unknown' }).where(eq(outbox.id, first));

    const admin = await asDemoUser(base, 'admin@demo-msp.test');
    const all = await listOutbox(admin, {});
    const ticketMail = all.items.find((m) => m.id === first)!;
    expect(ticketMail.headers['Reply-To']).toBe(replyTo);
    expect(ticketMail.outcome).toEqual({ state: 'failed', text: 'failed: 550 5.1.1 mailbox unknown' });
    expect(all.items.find((m) => m.subject.startsWith('Invoice'))!.outcome.text).toBe('kept: no relay set');

    const subjects = async (search: string) => (await listOutbox(admin, { search })).items.map((m) => m.subject).sort();
    expect(await subjects('ACME-DENTAL')).toEqual(['100% uptime report', 'Ticket #1001 updated']);
    expect(await subjects('inv-1003')).toEqual(['Invoice INV-1003 is due']);
    expect(await subjects('100%')).toEqual(['100% uptime report']);
    expect(await subjects('%')).toEqual(['100% uptime report']);
    expect(await subjects('_')).toEqual([]);
    expect(await subjects('nobody@')).toEqual([]);
    await expect(listOutbox(admin, { search: 'x'.repeat(201) })).rejects.toThrow(/under 200/);
    await expect(listOutbox(await asDemoUser(base, 'primary@acme-dental.test'), {})).rejects.toThrow();
  });
});
