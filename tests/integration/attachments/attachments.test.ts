import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachments } from '../../../db/schema/attachments';
import { DEMO_PASSWORD } from '../../../server/seed/demo-people';
import { createTestClient } from '../../helpers/trpc-client';
import { startTestServer } from '../../helpers/test-server';

let srv: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  srv = await startTestServer({ ATTACHMENT_MAX_FILE_MB: '1', ATTACHMENT_MAX_MESSAGE_MB: '1.5' });
});
afterAll(() => srv?.stop());

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('pixels')]);
const CSV = Buffer.from('date,amount\n2026-11-01,12.50\n');

async function signedIn(email: string) {
  const t = createTestClient(srv.origin);
  await t.client.auth.signInWithPassword.mutate({ email, password: DEMO_PASSWORD });
  return t;
}

function post(files: [Buffer, string][], headers: Record<string, string>) {
  const form = new FormData();
  for (const [content, name] of files) form.append('file', new Blob([new Uint8Array(content)]), name);
  return fetch(`${srv.origin}/attachments`, { method: 'POST', body: form, headers });
}

describe('attachments over HTTP', () => {
  let requester: Awaited<ReturnType<typeof signedIn>>;
  let uploaded: { id: number; filename: string; size: number; mimeType: string }[];
  const url = (a: { id: number; filename: string }) => `${srv.origin}/attachments/${a.id}/${encodeURIComponent(a.filename)}`;

  beforeAll(async () => {
    requester = await signedIn('billing@acme-dental.test');
  });

  it('uploads several files in one multipart request', async () => {
    const res = await post([[PNG, 'screen shot.png'], [CSV, '../Übersicht März.csv']], { cookie: requester.cookie(), origin: srv.origin });
    expect(res.status).toBe(201);
    uploaded = ((await res.json()) as { attachments: typeof uploaded }).attachments;
    expect(uploaded.map(({ filename, size, mimeType }) => ({ filename, size, mimeType }))).toEqual([
      { filename: 'screen shot.png', size: PNG.length, mimeType: 'image/png' },
      { filename: 'Übersicht März.csv', size: CSV.length, mimeType: 'text/csv' },
    ]);
  });

  it('lets only the uploader fetch an unclaimed upload', async () => {
    expect((await fetch(url(uploaded[0]!), { headers: { cookie: requester.cookie() } })).status).toBe(200);
    const colleague = await signedIn('primary@acme-dental.test');
    expect((await fetch(url(uploaded[0]!), { headers: { cookie: colleague.cookie() } })).status).toBe(404);
  });

  it('attaches them to a new ticket and serves them to the requester with safe headers', async () => {
    const ticket = await requester.client.tickets.create.mutate({ subject: 'Scanner', description: 'See attached', attachmentIds: uploaded.map((a) => a.id) });
    const rows = (await srv.portico.base.db.select().from(attachments).where(eq(attachments.ticketId, ticket.id)));
    expect(rows.map((r) => r.id).sort()).toEqual(uploaded.map((a) => a.id).sort());

    const img = await fetch(url(uploaded[0]!), { headers: { cookie: requester.cookie() } });
    expect(img.status).toBe(200);
    expect(Buffer.from(await img.arrayBuffer())).toEqual(PNG);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('x-content-type-options')).toBe('nosniff');
    expect(img.headers.get('content-disposition')).toBe(`inline; filename="screen shot.png"; filename*=UTF-8''screen%20shot.png`);
    expect(img.headers.get('cache-control')).toBe('private, max-age=300');
    expect(img.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");

    const csv = await fetch(url(uploaded[1]!), { headers: { cookie: requester.cookie() } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="_bersicht M_rz.csv"; filename*=UTF-8''%C3%9Cbersicht%20M%C3%A4rz.csv`);
  });

  it('answers 404 to another company, a Standard colleague and no cookie', async () => {
    for (const email of ['primary@northwind.test', 'standard@acme-dental.test']) {
      const other = await signedIn(email);
      const res = await fetch(url(uploaded[0]!), { headers: { cookie: other.cookie() } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json');
    }
    expect((await fetch(url(uploaded[0]!))).status).toBe(404);
    expect((await fetch(`${srv.origin}/attachments/999999/x.png`, { headers: { cookie: requester.cookie() } })).status).toBe(404);
  });
});

describe('upload refusals', () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = (await signedIn('primary@acme-dental.test')).cookie();
  });
  const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

  it('refuses a foreign Origin (403) and no session (401)', async () => {
    const foreign = await post([[PNG, 'a.png']], { cookie, origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await errorOf(foreign)).toMatch(/cross-origin/i);
    const anonymous = await post([[PNG, 'a.png']], { origin: srv.origin });
    expect(anonymous.status).toBe(401);
  });

  it('refuses a file over ATTACHMENT_MAX_FILE_MB (413)', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]);
    const res = await post([[big, 'huge.png']], { cookie, origin: srv.origin });
    expect(res.status).toBe(413);
    expect(await errorOf(res)).toBe('huge.png is larger than 1 MB.');
  });

  it('refuses files over ATTACHMENT_MAX_MESSAGE_MB together (413)', async () => {
    const part = Buffer.concat([PNG, Buffer.alloc(900 * 1024)]);
    const res = await post([[part, 'one.png'], [part, 'two.png']], { cookie, origin: srv.origin });
    expect(res.status).toBe(413);
    expect(await errorOf(res)).toBe('The files together are larger than 1.5 MB.');
  });

  it('refuses a disallowed type (415), and keeps nothing of a refused request', async () => {
    const before = (await srv.portico.base.db.select().from(attachments)).length;
    const html = await post([[PNG, 'ok.png'], [Buffer.from('<html><script>alert(1)</script>'), 'cat.png']], { cookie, origin: srv.origin });
    expect(html.status).toBe(415);
    expect(await errorOf(html)).toMatch(/^cat\.png: /);
    const svg = await post([[Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'logo.svg']], { cookie, origin: srv.origin });
    expect(svg.status).toBe(415);
    expect((await srv.portico.base.db.select().from(attachments)).length).toBe(before);
  });

  it('refuses a body that is not multipart (415) or has no file (400)', async () => {
    const json = await fetch(`${srv.origin}/attachments`, { method: 'POST', body: '{}', headers: { cookie, origin: srv.origin, 'content-type': 'application/json' } });
    expect(json.status).toBe(415);
    const form = new FormData();
    form.append('note', 'no file here');
    const empty = await fetch(`${srv.origin}/attachments`, { method: 'POST', body: form, headers: { cookie, origin: srv.origin } });
    expect(empty.status).toBe(400);
  });
});
