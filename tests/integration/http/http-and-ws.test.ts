import { TRPCClientError } from '@trpc/client';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import type { AppRouter } from '../../../server/trpc/router';
import { ENGINE } from '../../../db/engine';
import { createTestClient } from '../../helpers/trpc-client';
import { startTestServer } from '../../helpers/test-server';

let srv: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(() => srv?.stop());

function upgrade(origin: string | undefined): Promise<{ opened: boolean; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${srv.origin.replace(/^http/, 'ws')}/trpc`, { headers: origin ? { origin } : {} });
    ws.on('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    ws.on('error', () => resolve({ opened: false }));
  });
}

describe('HTTP hygiene', () => {
  it('answers /healthz with the database state and security headers', async () => {
    const res = await fetch(`${srv.origin}/healthz`);
    expect(res.status).toBe(200);
    // On PostgreSQL the LISTEN connection that brings other nodes' events is part of being ready.
    expect(await res.json()).toEqual(ENGINE === 'pg' ? { status: 'ok', db: 'ok', listen: 'ok' } : { status: 'ok', db: 'ok' });
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin');
  });

  it('serves a 404 page for a missing file and caches hashed assets', async () => {
    const missing = await fetch(`${srv.origin}/assets/missing-abc123.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Page not found');
    const index = await fetch(`${srv.origin}/tickets`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const asset = /\/assets\/[^"]+\.js/.exec(await index.text())?.[0];
    expect(asset).toBeDefined();
    const js = await fetch(`${srv.origin}${asset}`);
    expect(js.headers.get('cache-control')).toContain('immutable');
  });

  it('refuses a mutation sent from a foreign origin', async () => {
    const res = await fetch(`${srv.origin}/trpc/auth.start`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@b.test' }),
    });
    expect(res.status).toBe(403);
  });
});

describe('WebSocket upgrade', () => {
  it('refuses a foreign Origin with 403 and accepts the portal origin', async () => {
    expect(await upgrade('https://evil.example')).toEqual({ opened: false, status: 403 });
    expect(await upgrade(undefined)).toEqual({ opened: false, status: 403 });
    expect(await upgrade(srv.origin)).toEqual({ opened: true });
  });
});

describe('sign-in over the real tRPC client', () => {
  it('sets a cookie, answers me, and gives one generic error for a wrong password or unknown email', async () => {
    const t = createTestClient(srv.origin);
    expect(await t.client.auth.me.query()).toBeNull();
    const res = await t.client.auth.signInWithPassword.mutate({ email: 'primary@acme-dental.test', password: DEMO_PASSWORD });
    expect(res.kind).toBe('signed-in');
    expect(t.cookie()).toMatch(/^portico_session=[a-z2-7]{32}$/);
    const me = await t.client.auth.me.query();
    expect(me?.user.email).toBe('primary@acme-dental.test');
    expect(me?.account?.kind).toBe('contact');

    const other = createTestClient(srv.origin);
    const wrong = await other.client.auth.signInWithPassword.mutate({ email: 'primary@acme-dental.test', password: 'nope-nope-nope' }).catch((e: unknown) => e);
    const unknown = await other.client.auth.signInWithPassword.mutate({ email: 'nobody@acme-dental.test', password: 'nope-nope-nope' }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(TRPCClientError);
    expect(unknown).toBeInstanceOf(TRPCClientError);
    expect((wrong as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
    expect((wrong as Error).message).toBe((unknown as Error).message);
  });

  it('answers bad input with BAD_REQUEST, a clear message and the field', async () => {
    const t = createTestClient(srv.origin);
    await t.client.auth.signInWithPassword.mutate({ email: 'standard@acme-dental.test', password: DEMO_PASSWORD });
    const err = (await t.client.tickets.create.mutate({ subject: '   ', description: 'x' }).catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
    expect(err.data?.code).toBe('BAD_REQUEST');
    expect(err.message).toBe('Enter a subject.');
    expect((err.data as unknown as { fieldErrors: Record<string, string[]> }).fieldErrors.subject).toEqual(['Enter a subject.']);
  });
});
