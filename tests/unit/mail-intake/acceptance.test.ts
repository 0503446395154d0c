import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessages } from '../../../db/schema/inbound-mail';
import type { ServiceContext } from '../../../server/core/context';
import { rawFilePath, readRawMessage } from '../../../server/mail-intake/raw-files';
import { SPOOL_MAGIC } from '../../../server/mail-intake/raw-spool';
import { createInboundStore, mailTempDir, type TReceivedMessage } from '../../../server/mail-intake/store-inbound';
import { freshContext } from '../../helpers/fresh-context';

/*
 * Acceptance commits the raw bytes before the row: small messages accepted together share a
 * spool file (one write, one sync), a large one keeps a file of its own, and each row reads
 * back exactly the bytes that were received.
 */

let ctx: ServiceContext;
let cleanup: () => Promise<void> | void;
let dataDir: string;
beforeAll(async () => {
  const f = await freshContext();
  dataDir = mkdtempSync(join(tmpdir(), 'portico-mail-'));
  ctx = { ...f.ctx, settings: { ...f.ctx.settings, DATA_DIR: dataDir } };
  cleanup = f.cleanup;
});
afterAll(async () => {
  await cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

let seq = 0;
function message(body: string, messageId: string | null = `accept-${++seq}@client.test`): { raw: Buffer; msg: TReceivedMessage } {
  const raw = Buffer.from([...(messageId ? [`Message-ID: <${messageId}>`] : []), 'From: sam@acme-dental.test', 'Subject: hello', '', body, ''].join('\r\n'));
  const sha256 = createHash('sha256').update(raw).digest('hex');
  return { raw, msg: { data: raw, sha256, size: raw.length, head: raw, envelopeFrom: 'sam@acme-dental.test', envelopeTo: [`support@${ctx.settings.MAIL_DOMAIN}`] } };
}

describe('accepting messages', () => {
  it('messages accepted together share one spool file and each reads back exactly; a re-delivery is stored once', async () => {
    const store = createInboundStore(ctx);
    const sent = [message('First.'), message('Second, a little longer.'), message('Third.', null)];
    const stored = await Promise.all(sent.map((s) => store.store(s.msg)));
    expect(stored.map((s) => s.duplicate)).toEqual([false, false, false]);
    const rows = stored.map((s) => s.row!);
    expect(new Set(rows.map((r) => r.rawPath)).size).toBe(1);
    expect(rows[0]!.rawPath).toMatch(/^mail\/\d{4}\/\d{2}\/\d{8}T\d{6}-[0-9a-f]{8}\.spool$/);
    // The file: its marker, then per message a record line and the message's bytes.
    const spool = readFileSync(rawFilePath(ctx.settings, rows[0]!.rawPath));
    expect(spool.subarray(0, SPOOL_MAGIC.length).equals(SPOOL_MAGIC)).toBe(true);
    let at = SPOOL_MAGIC.length;
    for (const [i, r] of rows.entries()) {
      const eol = spool.indexOf(0x0a, at);
      expect(JSON.parse(spool.subarray(at + 1, eol).toString())).toMatchObject({ len: sent[i]!.raw.length, sha256: sent[i]!.msg.sha256, envelopeTo: sent[i]!.msg.envelopeTo });
      expect(r.rawOffset).toBe(eol + 1);
      at = eol + 1 + sent[i]!.raw.length;
    }
    expect(at).toBe(spool.length);
    expect(rows.map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
    for (const [i, r] of rows.entries()) expect((await readRawMessage(ctx.settings, r)).equals(sent[i]!.raw)).toBe(true);

    // Same Message-ID, or (without one) the same bytes, to the same recipient: answered as accepted, stored once.
    expect(await store.store(sent[0]!.msg)).toMatchObject({ duplicate: true });
    expect(await store.store(message('First, resent.', rows[0]!.messageId).msg)).toMatchObject({ duplicate: true });
    expect(await store.store(sent[2]!.msg)).toMatchObject({ duplicate: true });
    expect((await ctx.db.select().from(inboundMessages))).toHaveLength(3);
    await store.close();
  });

  it('a large message (already in a temp file) keeps a file of its own; a new store never appends to an older spool file', async () => {
    const store = createInboundStore(ctx);
    const big = message('x'.repeat(5000));
    mkdirSync(mailTempDir(ctx.settings), { recursive: true });
    const tmpPath = join(mailTempDir(ctx.settings), 'big.eml.part');
    writeFileSync(tmpPath, big.raw);
    const small = message('Small.');
    const [large, next] = await Promise.all([store.store({ ...big.msg, data: { tmpPath } }), store.store(small.msg)]);
    expect(large.row).toMatchObject({ rawOffset: null, rawPath: expect.stringMatching(new RegExp(`${big.msg.sha256}\\.eml$`)) });
    expect(existsSync(tmpPath)).toBe(false);
    expect((await readRawMessage(ctx.settings, large.row!)).equals(big.raw)).toBe(true);
    const earlier = (await ctx.db.select().from(inboundMessages))[0]!;
    expect(next.row!.rawPath).not.toBe(earlier.rawPath);
    // The new spool file starts with the large message's record (it points at the .eml), then the small one's.
    const spool = readFileSync(rawFilePath(ctx.settings, next.row!.rawPath)).toString();
    const [magic, first, second] = spool.split('\n');
    expect(`${magic}\n`).toBe(SPOOL_MAGIC.toString());
    expect(JSON.parse(first!.slice(1))).toMatchObject({ len: 0, file: large.row!.rawPath, sha256: big.msg.sha256 });
    expect(JSON.parse(second!.slice(1))).toMatchObject({ len: small.raw.length, sha256: small.msg.sha256 });
    await store.close();
    expect(readdirSync(mailTempDir(ctx.settings))).toEqual([]);
    expect(existsSync(rawFilePath(ctx.settings, next.row!.rawPath))).toBe(true);
  });

  it('a message is stored once per recipient: a delivery to new recipients is stored for those, one to recipients it reached is not', async () => {
    const store = createInboundStore(ctx);
    const [a, b, c] = ['reply+aaaa', 'reply+bbbb', 'support'].map((l) => `${l}@${ctx.settings.MAIL_DOMAIN}`) as [string, string, string];
    for (const messageId of [null, `per-recipient-${++seq}@client.test`]) {
      const m = message('The same message to several of our addresses.', messageId);
      const to = (...envelopeTo: string[]) => store.store({ ...m.msg, envelopeTo });
      const first = await to(a);
      const second = await to(b);
      expect([first.duplicate, second.duplicate]).toEqual([false, false]);
      expect(second.row!.envelopeTo).toEqual([b]);
      // Two deliveries at once, in one batch: each recipient once.
      const [third, fourth] = await Promise.all([to(a, b, c), to(c)]);
      expect(third.row!.envelopeTo).toEqual([c]);
      expect(fourth).toMatchObject({ duplicate: true });
      expect(await to(b, a)).toMatchObject({ duplicate: true });
    }
    await store.close();
  });

  it('reading a message whose spool file ends early fails instead of returning part of it', async () => {
    const row = (await ctx.db.select().from(inboundMessages))[0]!;
    await expect(readRawMessage(ctx.settings, { ...row, size: row.size + 1_000_000 })).rejects.toThrow(/ends before the message/);
  });
});
