import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type TDb } from '../../../db/client';
import { createServiceContext } from '../../../server/core/create-service-context';
import { startMailIntake, type TMailIntake } from '../../../server/mail-intake/intake-worker';
import { freshContext } from '../../helpers/fresh-context';

/*
 * The SMTP per-sender limit with two nodes on one PostgreSQL database: each node has its own
 * connection pool and intake, as processes do, and a sender spreading mail over both is
 * held to one limit, not one per node.
 */
let done: () => Promise<void> = async () => {};
afterEach(async () => await done());

describe('the per-sender mail limit on several nodes', () => {
  it('counts a sender’s mail across nodes together', async () => {
    const { ctx: base, clock, cleanup } = await freshContext();
    const limit = base.settings.MAIL_RATE_PER_SENDER;
    const pools: TDb[] = [await openDatabase(base.settings), await openDatabase(base.settings)];
    const intakes: TMailIntake[] = [];
    done = async () => {
      for (const i of intakes) await i.stop();
      for (const db of pools) await closeDatabase(db);
      await cleanup();
    };
    for (const db of pools) intakes.push(await startMailIntake(createServiceContext({ db, settings: base.settings, clock, log: base.log })));

    const answers: boolean[] = [];
    for (let i = 0; i < limit + 4; i++) answers.push(await intakes[i % 2]!.allowSender('flood@elsewhere.test'));
    expect(answers.filter(Boolean).length, 'the limit in all, not the limit per node').toBe(limit);
    expect(answers.slice(limit)).toEqual([false, false, false, false]);
    // Another sender has a limit of its own.
    expect(await intakes[1]!.allowSender('someone@elsewhere.test')).toBe(true);
  });
});
