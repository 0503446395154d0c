import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type TDb } from '../../../db/client';
import { ENGINE } from '../../../db/engine';
import { inboundMessages } from '../../../db/schema/inbound-mail';
import { ticketComments } from '../../../db/schema/tickets';
import { createServiceContext } from '../../../server/core/create-service-context';
import { ORPHAN_AFTER_MS, startMailIntake, type TMailIntake } from '../../../server/mail-intake/intake-worker';
import { seedHeldMail } from '../../../server/seed/demo-mail';
import { seedDemo } from '../../../server/seed/demo-people';
import { freshContext } from '../../helpers/fresh-context';

/*
 * Mail on several nodes: a message one node accepted (row and bytes stored, the 250 sent)
 * but never processed, because it died, is processed by the nodes still running, once,
 * however many of them find it at the same moment.
 */
let done: () => Promise<void> = async () => {};
afterEach(async () => await done());

async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 300 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
  expect(await check(), what).toBe(true);
}

describe('mail left pending by a node that died', () => {
  it('is processed once by the nodes still running', async () => {
    const { ctx: base, clock, cleanup } = await freshContext();
    await seedDemo(base);
    const extra: TDb[] = ENGINE === 'pg' ? [await openDatabase(base.settings), await openDatabase(base.settings)] : [];
    // Two nodes that keep running (on PostgreSQL a connection pool each, as processes have).
    const nodes = ENGINE === 'pg' ? extra.map((db) => createServiceContext({ db, settings: base.settings, clock, log: base.log })) : [base, base];
    const intakes: TMailIntake[] = [];
    done = async () => {
      for (const i of intakes) await i.stop();
      for (const db of extra) await closeDatabase(db);
      await cleanup();
    };
    for (const node of nodes) intakes.push(await startMailIntake(node, { orphanSweepMs: 20 }));

    // Accepted by a third node, which died before processing it.
    await seedHeldMail(base);
    const pending = async () => (await base.db.select().from(inboundMessages).where(eq(inboundMessages.status, 'pending'))).length;
    expect(await pending()).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await pending(), 'a message is left to the node that accepted it for a while').toBe(1);

    clock.advance(ORPHAN_AFTER_MS);
    await until(async () => (await pending()) === 0, 'the running nodes processed it');
    for (const i of intakes) await i.idle();
    const comments = (await base.db.select().from(ticketComments)).filter((c) => c.flags.includes('unverified_sender'));
    expect(comments, 'one comment, not one per node').toHaveLength(1);
    expect((await base.db.select().from(inboundMessages))[0]).toMatchObject({ status: 'processed', commentId: comments[0]!.id });
  });
});
