import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from '../../db/engine';
import { DEMO_PASSWORD } from '../../server/seed/demo-people';
import { startNodesBehindBalancer, type TNodesBehindBalancer } from '../helpers/nginx-balancer';
import { createTestClient } from '../helpers/trpc-client';
import { launchChromium } from './chromium';
import { signIn } from './portal-fixture';

/*
 * A real page through nginx in front of three nodes on one PostgreSQL database: its socket
 * lands on whichever node the balancer picks, and a reply posted on another node shows up
 * on the open ticket page without a reload.
 */

const NOT_PG = 'several nodes share a PostgreSQL database: runs in `npm run test:pg` (DATABASE_URL=postgres://…)';

let dir = '';
let cluster: TNodesBehindBalancer | null = null;
let browser: Browser | null = null;

beforeAll(async () => {
  if (ENGINE !== 'pg') return;
  dir = mkdtempSync(join(tmpdir(), 'portico-balancer-'));
  cluster = await startNodesBehindBalancer(dir, 3);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a ticket page through the load balancer', () => {
  it('shows a reply posted on another node than the one holding its socket', async (ctx) => {
    if (ENGINE !== 'pg') return ctx.skip(NOT_PG);
    const { origin, nodes } = cluster!;
    const email = 'primary@acme-dental.test';
    const page = await (await browser!.newContext()).newPage();
    // Where the page's sockets land: nginx names the node in the handshake's response.
    const landed: string[] = [];
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    cdp.on('Network.webSocketHandshakeResponseReceived', (e) => {
      const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      landed.push(String(h['x-portico-node']));
    });
    await signIn(page, origin, email);
    const t = createTestClient(origin);
    await t.client.auth.signInWithPassword.mutate({ email, password: DEMO_PASSWORD });
    const ticket = await t.client.tickets.create.mutate({ subject: 'Balanced page', description: 'Watched through nginx' });
    landed.length = 0; // the sign-in pages' sockets are gone with them
    await page.goto(`${origin}/tickets/${ticket.id}`);
    await page.getByRole('heading', { name: new RegExp(`#${ticket.number}\\b`) }).waitFor();
    await expect.poll(() => page.getByRole('status').getAttribute('data-state'), { timeout: 15_000 }).toBe('live');
    expect(landed.length, 'no WebSocket handshake went through the balancer').toBeGreaterThan(0);

    const other = nodes.find((n) => !landed.includes(new URL(n.url).host));
    expect(other, `the page's sockets landed on ${landed.join(', ')}`).toBeDefined();
    const poster = createTestClient(origin, { url: other!.url });
    await poster.client.auth.signInWithPassword.mutate({ email, password: DEMO_PASSWORD });
    await poster.client.tickets.reply.mutate({ ticketId: ticket.id, body: `Posted on ${new URL(other!.url).host}` });
    await page.getByText(`Posted on ${new URL(other!.url).host}`).waitFor({ timeout: 5_000 });
    await t.close();
    await poster.close();
  });
});
