import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachments, type TAttachment } from '../../../db/schema/attachments';
import { ticketWatchers } from '../../../db/schema/tickets';
import { seedDemo } from '../../../server/seed/demo-people';
import { canDownloadAttachment } from '../../../server/attachments/attachment-access';
import { claimAttachments } from '../../../server/attachments/claim-attachments';
import { cleanupUnclaimedAttachments } from '../../../server/attachments/cleanup-attachments';
import { detectFileType } from '../../../server/attachments/file-types';
import { sanitizeFilename } from '../../../server/attachments/filename';
import { attachmentPath, storeAttachment, tempDir } from '../../../server/attachments/store';
import { system, type TContactActor } from '../../../server/core/actor';
import { AppError } from '../../../server/core/app-error';
import type { FixedClock } from '../../../server/core/clock';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { unitOfWork } from '../../../server/core/unit-of-work';
import { createProvider } from '../../../server/people/create-provider';
import { createStaffMember } from '../../../server/people/create-staff-member';
import { ATTACHMENT_KINDS } from '../../../server/settings';
import { addReply } from '../../../server/tickets/add-reply';
import { createTicket } from '../../../server/tickets/create-ticket';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR rest of an image')]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n');
const HTML = Buffer.from('<!DOCTYPE html><html><script>alert(document.cookie)</script></html>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const ZIP = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(40)]);
const all = [...ATTACHMENT_KINDS];

/** The file as a stream of small chunks, as a multipart parser delivers it. */
async function* chunks(buf: Buffer, size = 1000) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

let base: ServiceContext;
let clock: FixedClock;
let cleanup: () => Promise<void> | void;
let dataDir: string;
beforeAll(async () => {
  const f = await freshContext();
  dataDir = mkdtempSync(join(tmpdir(), 'portico-files-'));
  base = { ...f.ctx, settings: { ...f.ctx.settings, DATA_DIR: dataDir, ATTACHMENT_MAX_FILE_MB: 1 } };
  clock = f.clock;
  cleanup = f.cleanup;
  await seedDemo(base);
  const sys = withActor(base, system);
  const other = await createProvider(sys, { name: 'Other MSP', identifier: 'other-msp' });
  await createStaffMember(sys, other.id, { name: 'Olive Other', email: 'tech@other-msp.test', role: 'technician' });
});
afterAll(async () => {
  await cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

const as = async (email: string) => await asDemoUser(base, email);
const upload = async (email: string, content: Buffer, name: string) => storeAttachment(await as(email), chunks(content), name);
const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).details?.problem;
};

describe('file type detection', () => {
  it('accepts a file whose content and extension agree', () => {
    expect(detectFileType('shot.PNG', PNG, all).mimeType).toBe('image/png');
    expect(detectFileType('scan.pdf', PDF, all).mimeType).toBe('application/pdf');
    expect(detectFileType('plan.docx', ZIP, all).mimeType).toContain('wordprocessingml');
    expect(detectFileType('notes.txt', Buffer.from('plain words\r\n\tindented'), all).mimeType).toBe('text/plain');
    expect(detectFileType('mail.eml', Buffer.from('Received: from a\r\nSubject: hi\r\n\r\nbody'), all).mimeType).toBe('message/rfc822');
  });

  it('refuses HTML dressed as a picture, SVG, and content that contradicts the extension', () => {
    const refused = (name: string, head: Buffer, allowed = all) => {
      try {
        detectFileType(name, head, allowed);
        return 'accepted';
      } catch (e) {
        return (e as AppError).details?.problem;
      }
    };
    expect(refused('cat.png', HTML)).toBe('type');
    expect(refused('logo.svg', SVG)).toBe('type');
    expect(refused('logo.png', SVG)).toBe('type');
    expect(refused('logo.txt', SVG)).toBe('type');
    expect(refused('page.txt', HTML)).toBe('type');
    expect(refused('page.html', HTML)).toBe('type');
    expect(refused('photo.png', PDF)).toBe('type');
    expect(refused('tool.exe', Buffer.from('MZ\x90\x00', 'latin1'))).toBe('type');
    expect(refused('binary.txt', Buffer.from([0x41, 0x00, 0x42]))).toBe('type');
    // ATTACHMENT_TYPES narrows the list.
    expect(refused('scan.pdf', PDF, ['png'])).toBe('type');
    expect(refused('shot.png', PNG, ['png'])).toBe('accepted');
  });

  it('refuses the upload itself, leaving no file behind', async () => {
    expect(await refusal(upload('billing@acme-dental.test', HTML, 'cat.png'))).toBe('type');
    expect(readdirSync(tempDir(base.settings))).toEqual([]);
  });
});

describe('size limit', () => {
  it('accepts exactly ATTACHMENT_MAX_FILE_MB and refuses one byte more', async () => {
    const mb = 1024 * 1024;
    const ok = await upload('billing@acme-dental.test', Buffer.concat([PDF, Buffer.alloc(mb - PDF.length, 0x20)]), 'big.pdf');
    expect(ok.size).toBe(mb);
    expect(await refusal(upload('billing@acme-dental.test', Buffer.concat([PDF, Buffer.alloc(mb + 1 - PDF.length, 0x20)]), 'big.pdf'))).toBe('too-large');
    expect(readdirSync(tempDir(base.settings))).toEqual([]);
  });
});

describe('storage', () => {
  it('stores content once under its SHA-256 and records each upload', async () => {
    const a = await upload('billing@acme-dental.test', PNG, 'a.png');
    const b = await upload('standard@acme-dental.test', PNG, 'b.png');
    expect(a.sha256).toBe(b.sha256);
    expect(a.id).not.toBe(b.id);
    const path = attachmentPath(base.settings, a.sha256);
    expect(path).toBe(join(dataDir, 'attachments', a.sha256.slice(0, 2), a.sha256));
    expect(readFileSync(path)).toEqual(PNG);
    expect(readdirSync(join(dataDir, 'attachments', a.sha256.slice(0, 2)))).toEqual([a.sha256]);
    expect(readdirSync(tempDir(base.settings))).toEqual([]);
    expect(a).toMatchObject({ size: PNG.length, mimeType: 'image/png', filename: 'a.png', ticketId: null, commentId: null });
    expect(a.uploaderUserId).toBe(((await as('billing@acme-dental.test')).actor as TContactActor).userId);
  });

  it('sanitizes file names', async () => {
    expect(sanitizeFilename('../../etc/passwd.txt')).toBe('passwd.txt');
    expect(sanitizeFilename('C:\\Users\\kim\\report.pdf')).toBe('report.pdf');
    expect(sanitizeFilename('a\u0000b\nc\u007f.txt')).toBe('abc.txt');
    expect(sanitizeFilename('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitizeFilename('  .hidden  ')).toBe('hidden');
    expect(sanitizeFilename('/')).toBe('file');
    const long = sanitizeFilename(`${'😀'.repeat(300)}.pdf`);
    expect(Array.from(long)).toHaveLength(200);
    expect(long.endsWith('😀.pdf')).toBe(true);
    const stored = await upload('billing@acme-dental.test', PDF, '../secret/\u0007Q3 plan.pdf');
    expect(stored.filename).toBe('Q3 plan.pdf');
  });
});

describe('claiming', () => {
  it("claims only the uploader's own unclaimed uploads of the provider, all or none", async () => {
    const billing = await as('billing@acme-dental.test');
    const owner = { uploaderUserId: (billing.actor as TContactActor).userId, providerId: (billing.actor as TContactActor).providerId };
    const ticket = await createTicket(billing, { subject: 'Claim test', description: 'x' });
    const mine = await upload('billing@acme-dental.test', PDF, 'mine.pdf');
    const theirs = await upload('standard@acme-dental.test', PDF, 'theirs.pdf');
    const claim = async (ids: number[], limits?: { maxMessageBytes: number }, who = owner) =>
      await unitOfWork(base, async (tx) => await claimAttachments(tx, ids, who, { ticketId: ticket.id, commentId: null }, limits));
    const row = async (id: number) => (await base.db.select().from(attachments).where(eq(attachments.id, id)))[0]!;

    await expect(claim([mine.id, theirs.id])).rejects.toThrow(AppError);
    expect((await row(mine.id)).ticketId).toBeNull(); // rolled back with the caller's transaction
    await expect(claim([mine.id], undefined, { ...owner, providerId: owner.providerId + 1 })).rejects.toThrow(AppError);
    await expect(claim([mine.id], { maxMessageBytes: PDF.length - 1 })).rejects.toThrow(/larger than/);
    expect((await row(mine.id)).ticketId).toBeNull();

    expect(await claim([mine.id], { maxMessageBytes: PDF.length })).toEqual([mine.id]);
    expect((await row(mine.id)).ticketId).toBe(ticket.id);
    await expect(claim([mine.id])).rejects.toThrow(AppError); // already claimed
    expect((await row(theirs.id)).ticketId).toBeNull();
  });
});

describe('download authorization', () => {
  let onTicket: TAttachment;
  let onNote: TAttachment;
  let unclaimed: TAttachment;
  let ticketId: number;
  beforeAll(async () => {
    // Raised by a Billing contact, who (like a Standard contact) sees only their own tickets.
    onTicket = await upload('billing@acme-dental.test', PNG, 'screen.png');
    const ticket = await createTicket(await as('billing@acme-dental.test'), { subject: 'Printer', description: 'Jammed', attachmentIds: [onTicket.id] });
    onNote = await upload('tech@demo-msp.test', PDF, 'internal.pdf');
    ticketId = ticket.id;
    await addReply(await as('tech@demo-msp.test'), { ticketId: ticket.id, body: 'Staff only', internal: true, attachmentIds: [onNote.id] });
    unclaimed = await upload('billing@acme-dental.test', PDF, 'draft.pdf');
  });
  const may = async (email: string, a: TAttachment) => {
    const ctx = await as(email);
    return await canDownloadAttachment(ctx, ctx.actor, a.id);
  };

  it.each([
    ['tech@demo-msp.test', 'staff of the provider', true],
    ['tech@other-msp.test', 'staff of another provider', false],
    ['billing@acme-dental.test', 'the requester', true],
    ['standard@acme-dental.test', 'a Standard contact of the company', false],
    ['technical@acme-dental.test', 'a Technical contact of the company', true],
    ['primary@acme-dental.test', 'a Primary contact of the company', true],
    ['primary@northwind.test', 'a contact of another company', false],
  ])('ticket attachment: %s (%s) → %s', async (email, _who, expected) => {
    expect(await may(email, onTicket)).toBe(expected);
  });

  it('lets a Standard contact who watches the ticket see it', async () => {
    const std = (await as('standard@acme-dental.test')).actor as TContactActor;
    (await base.db.insert(ticketWatchers).values({ ticketId, contactId: std.contactId, createdAt: clock.now() }));
    expect(await may('standard@acme-dental.test', onTicket)).toBe(true);
    (await base.db.delete(ticketWatchers).where(eq(ticketWatchers.contactId, std.contactId)));
  });

  it("refuses an internal note's attachment to every contact", async () => {
    expect(await may('tech@demo-msp.test', onNote)).toBe(true);
    expect(await may('admin@demo-msp.test', onNote)).toBe(true);
    for (const c of ['billing', 'technical', 'primary']) expect(await may(`${c}@acme-dental.test`, onNote)).toBe(false);
  });

  it('shows an unclaimed upload to its uploader only', async () => {
    expect(await may('billing@acme-dental.test', unclaimed)).toBe(true);
    expect(await may('primary@acme-dental.test', unclaimed)).toBe(false);
    expect(await may('tech@demo-msp.test', unclaimed)).toBe(false);
    expect(await canDownloadAttachment(base, base.actor, onTicket.id)).toBe(false); // anonymous
    expect(await canDownloadAttachment(await as('tech@demo-msp.test'), (await as('tech@demo-msp.test')).actor, 999_999)).toBe(false);
  });
});

describe('cleanup of unclaimed uploads', () => {
  it('removes unclaimed rows older than 24 h and files no row holds any more, nothing else', async () => {
    const ORPHAN = Buffer.concat([PDF, Buffer.from('orphan')]);
    const SHARED = Buffer.concat([PDF, Buffer.from('shared')]);
    const FRESH = Buffer.concat([PDF, Buffer.from('fresh')]);
    const billing = await as('billing@acme-dental.test');
    const orphan = await upload('billing@acme-dental.test', ORPHAN, 'orphan.pdf');
    const sharedOld = await upload('billing@acme-dental.test', SHARED, 'shared.pdf');
    const sharedKept = await upload('billing@acme-dental.test', SHARED, 'shared-copy.pdf');
    await createTicket(billing, { subject: 'Keeps shared', description: 'x', attachmentIds: [sharedKept.id] });
    const claimedBefore = (await base.db.select().from(attachments)).filter((a) => a.ticketId !== null);

    clock.advance(23 * 3600_000);
    const fresh = await upload('billing@acme-dental.test', FRESH, 'fresh.pdf');
    clock.advance(2 * 3600_000);
    // A temp file a crash left a day ago, and one being written now.
    mkdirSync(tempDir(base.settings), { recursive: true });
    const staleTemp = join(tempDir(base.settings), 'stale.part');
    const liveTemp = join(tempDir(base.settings), 'live.part');
    writeFileSync(staleTemp, 'x');
    writeFileSync(liveTemp, 'x');
    const dayAgo = new Date(clock.now().getTime() - 25 * 3600_000);
    utimesSync(staleTemp, dayAgo, dayAgo);
    utimesSync(liveTemp, clock.now(), clock.now());

    const result = await cleanupUnclaimedAttachments(base);
    const exists = async (id: number) => !!(await base.db.select().from(attachments).where(eq(attachments.id, id)))[0];
    expect(await exists(orphan.id)).toBe(false);
    expect(await exists(sharedOld.id)).toBe(false);
    expect(await exists(fresh.id)).toBe(true);
    expect((await base.db.select().from(attachments)).filter((a) => a.ticketId !== null)).toEqual(claimedBefore);
    expect(existsSync(attachmentPath(base.settings, orphan.sha256))).toBe(false);
    expect(existsSync(attachmentPath(base.settings, sharedKept.sha256))).toBe(true);
    expect(existsSync(attachmentPath(base.settings, fresh.sha256))).toBe(true);
    // Every claimed attachment's file is still there.
    for (const a of claimedBefore) expect(existsSync(attachmentPath(base.settings, a.sha256))).toBe(true);
    expect(existsSync(staleTemp)).toBe(false);
    expect(existsSync(liveTemp)).toBe(true);
    const cutoff = clock.now().getTime() - 24 * 3600_000;
    expect((await base.db.select().from(attachments)).filter((a) => a.ticketId === null && a.createdAt.getTime() < cutoff)).toEqual([]);
    expect(result.rows).toBeGreaterThanOrEqual(2);
  });
});
