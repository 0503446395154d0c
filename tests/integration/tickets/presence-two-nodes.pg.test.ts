import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { ENGINE } from '../../../db/engine';
import { events } from '../../../db/schema/events';
import { tickets } from '../../../db/schema/tickets';
import { startPortico, type TPortico } from '../../../server/app';
import { FixedClock } from '../../../server/core/clock';
import { followPresence, PRESENCE_TTL_MS, presenceFor, setPresence, type TPresenceEntry } from '../../../server/tickets/presence';
import { presenceTopic } from '../../../server/tickets/presence-shared';
import { asDemoUser } from '../../helpers/demo-actors';
import { testSettings } from '../../helpers/test-server';

/*
 * Two nodes on one PostgreSQL database, each with its own pool, LISTEN connection and
 * relay, and one clock the test moves: staff on either node see each other on a ticket,
 * and an entry lapses for the others when the node holding its staff member stops
 * heartbeating (it died).
 */

const NOT_PG = 'presence is shared between nodes on PostgreSQL only (SQLite is one process): runs in `npm run test:pg`';

const clock = new FixedClock(new Date());
let test: Awaited<ReturnType<typeof testSettings>> | null = null;
const nodes: TPortico[] = [];
beforeAll(async () => {
  if (ENGINE !== 'pg') return;
  test = await testSettings();
  nodes.push(await startPortico(test.settings, { clock }));
  nodes.push(await startPortico({ ...test.settings, DATA_DIR: join(test.dir, 'node-2') }, { clock }));
});
afterAll(async () => {
  for (const n of nodes) await n.stop();
  await test?.cleanup();
});

const shown = (l: TPresenceEntry[] | undefined) => (l ?? []).map((e) => `${e.name}:${e.state}`);

describe('presence on two nodes', () => {
  it('shows staff on either node to each other, typing included, and drops one whose node died within the TTL', async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const [one, two] = nodes as [TPortico, TPortico];
    const ticketId = (await one.base.db.select().from(tickets))[0]!.id;
    const alex = await asDemoUser(one.base, 'admin@demo-msp.test'); // on node 1
    const taylor = await asDemoUser(two.base, 'tech@demo-msp.test'); // on node 2
    const ac = new AbortController();
    const onOne: TPresenceEntry[][] = [];
    const onTwo: TPresenceEntry[][] = [];
    const runs = [
      (async () => {
        for await (const l of followPresence(alex, { ticketId }, { signal: ac.signal })) onOne.push(l);
      })(),
      (async () => {
        for await (const l of followPresence(taylor, { ticketId }, { signal: ac.signal })) onTwo.push(l);
      })(),
    ];
    try {
      await vi.waitFor(() => expect(onOne.length * onTwo.length).toBeGreaterThan(0));
      await setPresence(alex, { ticketId, state: 'viewing' });
      await setPresence(taylor, { ticketId, state: 'viewing' });
      const both = ['Alex Admin:viewing', 'Taylor Tech:viewing'];
      await vi.waitFor(() => expect(shown(onTwo.at(-1))).toEqual(both));
      await vi.waitFor(() => expect(shown(onOne.at(-1))).toEqual(both));

      await setPresence(alex, { ticketId, state: 'typing' });
      await vi.waitFor(() => expect(shown(onTwo.at(-1))).toEqual(['Alex Admin:typing', 'Taylor Tech:viewing']));

      // Alex's heartbeats reach node 2 only through the table: they keep him there past the
      // TTL, and (changing nothing) commit no event.
      const announced = () => one.base.db.$count(events, eq(events.topic, presenceTopic(ticketId)));
      const before = await announced();
      expect(before).toBe(3); // two joins and one change to typing
      clock.advance(20_000);
      await setPresence(alex, { ticketId, state: 'typing' });
      await setPresence(taylor, { ticketId, state: 'viewing' });
      expect(await announced()).toBe(before);
      clock.advance(15_000);
      await presenceFor(taylor).sweep();
      expect(shown(presenceFor(taylor).list(ticketId))).toEqual(['Alex Admin:typing', 'Taylor Tech:viewing']);

      // Node 1 dies: Alex's heartbeats stop (his subscription there is never closed). Taylor's go on.
      clock.advance(10_000);
      await setPresence(taylor, { ticketId, state: 'viewing' });
      await presenceFor(taylor).sweep();
      expect(shown(onTwo.at(-1))).toContain('Alex Admin:typing'); // 25 s since his last heartbeat
      clock.advance(PRESENCE_TTL_MS - 25_000);
      await presenceFor(taylor).sweep();
      await vi.waitFor(() => expect(shown(onTwo.at(-1))).toEqual(['Taylor Tech:viewing']));
    } finally {
      ac.abort();
      await Promise.all(runs);
    }
  });
});
