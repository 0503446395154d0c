import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { seedTechnical } from '../../../server/seed/demo-technical';
import type { TEventRow } from '../../../db/schema/events';
import type { ServiceContext } from '../../../server/core/context';
import { createAsset, listAssets, updateAsset } from '../../../server/technical/assets';
import { documentPath } from '../../../server/technical/document-store';
import { deleteDocument, getDocument, listDocuments, openDocument, storeDocument, updateDocument } from '../../../server/technical/documents';
import { followTechnical } from '../../../server/technical/technical-stream';
import type { TTechnicalChange } from '../../../server/technical/topics';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let cleanup: () => Promise<void> | void;
let dataDir: string;
beforeAll(async () => {
  const f = await freshContext();
  dataDir = mkdtempSync(join(tmpdir(), 'portico-docs-'));
  base = { ...f.ctx, settings: { ...f.ctx.settings, DATA_DIR: dataDir, ATTACHMENT_MAX_FILE_MB: 0.01 } };
  cleanup = f.cleanup;
  await seedDemo(base);
  await seedTechnical(base);
});
afterAll(async () => {
  await cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

const as = async (email: string) => await asDemoUser(base, email);
async function* bytes(b: Buffer | string) {
  yield Buffer.from(b);
}
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n');

describe('document uploads', () => {
  it("a Technical contact's upload belongs to their company and is visible to it, whatever they ask", async () => {
    const tech = await as('technical@acme-dental.test');
    const d = await storeDocument(tech, { title: 'Floor plan', visibleToClient: false }, bytes(PDF), 'floor plan.pdf');
    expect(d).toMatchObject({ title: 'Floor plan', companyName: 'Acme Dental', filename: 'floor plan.pdf', mimeType: 'application/pdf', viewAs: 'pdf', visibleToClient: true, uploadedBy: 'Terry Technical' });
    expect((await listDocuments(await as('primary@acme-dental.test'), { search: 'floor' })).items.map((x) => x.id)).toEqual([d.id]);
    expect((await listDocuments(await as('technical@northwind.test'), { search: 'floor' })).items).toEqual([]);
    const { path } = (await openDocument(tech, d.id))!;
    expect(path).toBe(documentPath(base.settings, createHash('sha256').update(PDF).digest('hex')));
    expect(readFileSync(path).equals(PDF)).toBe(true);
  });

  it('refuses HTML, content that does not match its name, empty and too large files, with the field named', async () => {
    const tech = await as('technical@acme-dental.test');
    const refused = (content: Buffer | string, name: string) => storeDocument(tech, {}, bytes(content), name);
    await expect(refused('<!DOCTYPE html><script>alert(1)</script>', 'page.html')).rejects.toMatchObject({ code: 'BAD_INPUT', details: { field: 'file', problem: 'type' } });
    await expect(refused('<svg onload="alert(1)"></svg>', 'notes.md')).rejects.toThrow('notes.md: the content is not a Markdown text file.');
    await expect(refused('plain text', 'scan.pdf')).rejects.toThrow('the content is not a .pdf file');
    await expect(refused('', 'empty.txt')).rejects.toThrow('empty.txt is empty.');
    await expect(refused('x'.repeat(20_000), 'big.txt')).rejects.toMatchObject({ details: { field: 'file', problem: 'too-large' } });
    await expect(storeDocument(tech, { title: 'y'.repeat(201) }, bytes('ok'), 'ok.txt')).rejects.toThrow('Keep the title under 200 characters.');
  });

  it('staff choose the company and visibility; identical content is stored once and deleted with its last document', async () => {
    const admin = await as('admin@demo-msp.test');
    const acmeId = (await listAssets(await as('standard@acme-dental.test'), {})).items[0]!.companyId;
    await expect(storeDocument(admin, { title: 'No company' }, bytes('x'), 'x.txt')).rejects.toMatchObject({ code: 'BAD_INPUT', details: { field: 'companyId' } });
    const a = await storeDocument(admin, { companyId: acmeId, title: 'Runbook' }, bytes('# Runbook\nsame'), 'runbook.md');
    const b = await storeDocument(admin, { companyId: acmeId, title: 'Runbook copy' }, bytes('# Runbook\nsame'), 'copy.md');
    expect(a.visibleToClient).toBe(false);
    expect(a.mimeType).toBe('text/markdown');
    const file = (await openDocument(admin, a.id))!.path;
    expect((await openDocument(admin, b.id))!.path).toBe(file);
    const contact = await as('technical@acme-dental.test');
    await expect(getDocument(contact, { documentId: a.id })).rejects.toThrow('No such document.');
    await updateDocument(admin, { documentId: a.id, title: 'Runbook', visibleToClient: true });
    expect((await getDocument(contact, { documentId: a.id })).title).toBe('Runbook');
    await deleteDocument(admin, { documentId: a.id });
    expect(existsSync(file)).toBe(true);
    await deleteDocument(admin, { documentId: b.id });
    expect(existsSync(file)).toBe(false);
  });
});

/** Events the caller's stream replays from the start of the log (then stops). */
async function replay(ctx: ServiceContext): Promise<TTechnicalChange[]> {
  const ac = new AbortController();
  const got: TEventRow[] = [];
  const run = (async () => {
    for await (const e of followTechnical(ctx, { lastEventId: 0, signal: ac.signal })) got.push(e);
  })();
  await new Promise((r) => setTimeout(r, 50));
  ac.abort();
  await run;
  return got.map((e) => e.payload as TTechnicalChange);
}

describe('live changes', () => {
  it('reach each caller only for what they may see', async () => {
    const admin = await as('admin@demo-msp.test');
    const standard = await as('standard@acme-dental.test');
    const mine = (await listAssets(standard, {})).items[0]!;
    const acmeId = mine.companyId;
    const other = await createAsset(admin, { companyId: acmeId, name: 'Spare laptop', type: 'Laptop' });
    // Reassigned to the Standard contact and back: they hear both.
    await updateAsset(admin, { assetId: other.id, name: 'Spare laptop', type: 'Laptop', assignedContactId: mine.assignedContactId });
    await updateAsset(admin, { assetId: other.id, name: 'Spare laptop', type: 'Laptop', assignedContactId: null });

    const std = await replay(standard);
    expect(std.every((c) => c.record === 'asset' && c.contactIds?.includes(mine.assignedContactId))).toBe(true);
    expect(std.filter((c) => c.id === other.id).map((c) => c.action)).toEqual(['updated', 'updated']);

    const tech = await replay(await as('technical@acme-dental.test'));
    const hidden = (await listDocuments(admin, { companyId: acmeId })).items.filter((d) => !d.visibleToClient).map((d) => d.id);
    expect(hidden.length).toBeGreaterThan(0);
    expect(tech.some((c) => c.record === 'document' && hidden.includes(c.id))).toBe(false);
    expect(tech.some((c) => c.record === 'domain')).toBe(true);
    expect(tech.every((c) => c.companyId === acmeId)).toBe(true);

    const staff = await replay(await as('tech@demo-msp.test'));
    expect(staff.some((c) => c.record === 'document' && hidden.includes(c.id))).toBe(true);
    expect(new Set(staff.map((c) => c.companyId)).size).toBe(2);
  });
});
