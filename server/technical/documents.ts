import { and, desc, eq, type SQL } from 'drizzle-orm';
import { companies, users } from '../../db/schema/people';
import { documents, type TDocument } from '../../db/schema/technical';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireStaff, requireTechnicalRecords, technicalScope } from '../core/permissions';
import { unitOfWork } from '../core/unit-of-work';
import { companyCondition, inScope, reachesCompany, writableCompany } from './company-access';
import { discardDocument, documentPath, placeDocumentFile, receiveDocument, removeUnusedDocumentFile, type TReceivedDocument } from './document-store';
import { containsText } from '../core/contains-text';
import { MAX_LIST } from './assets';
import { ZDocumentIdInput, ZDocumentUploadInput, ZListDocumentsInput, ZUpdateDocumentInput } from './schemas';
import { emitTechnical } from './topics';

/*
 * Company documents (seed 004 §19). Contacts see only those marked "Visible to client"
 * (what they upload themselves is); a hidden one is "not found" to them everywhere.
 */

/** How the browser may show a file: never as HTML, whatever it contains. */
export function viewKind(mimeType: string): 'pdf' | 'image' | 'text' | 'download' {
  if (mimeType === 'application/pdf') return 'pdf';
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('text/')) return 'text';
  return 'download';
}

type TRow = { doc: TDocument; companyName: string; uploadedBy: string | null };

function view(r: TRow, staff: boolean) {
  const d = r.doc;
  return {
    id: d.id,
    companyId: d.companyId,
    companyName: r.companyName,
    title: d.title,
    description: d.description,
    filename: d.filename,
    size: d.size,
    mimeType: d.mimeType,
    viewAs: viewKind(d.mimeType),
    // Contacts only ever see visible ones.
    visibleToClient: staff ? d.visibleToClient : true,
    uploadedBy: r.uploadedBy,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}
export type TDocumentView = Awaited<ReturnType<typeof view>>;

const selectDocuments = (ctx: ServiceContext) =>
  ctx.db
    .select({ doc: documents, companyName: companies.name, uploadedBy: users.name })
    .from(documents)
    .innerJoin(companies, eq(companies.id, documents.companyId))
    .leftJoin(users, eq(users.id, documents.uploadedByUserId));

export async function listDocuments(ctx: ServiceContext, input: unknown) {
  const scope = requireTechnicalRecords(ctx.actor);
  const q = ZListDocumentsInput.parse(input ?? {});
  const where: (SQL | undefined)[] = [
    await companyCondition(ctx.db, scope, documents.companyId, q.companyId),
    scope.kind === 'provider' ? undefined : eq(documents.visibleToClient, true),
    containsText(q.search, documents.title, documents.filename, documents.description),
  ];
  const rows = (await selectDocuments(ctx)
    .where(and(...where))
    .orderBy(desc(documents.createdAt), desc(documents.id))
    .limit(MAX_LIST + 1));
  return { items: rows.slice(0, MAX_LIST).map((r) => view(r, scope.kind === 'provider')), truncated: rows.length > MAX_LIST };
}

/** The document row if the actor may see it, else null (callers answer "not found"). */
export async function visibleDocument(ctx: ServiceContext, documentId: number): Promise<TRow | null> {
  if (ctx.actor.kind !== 'staff' && ctx.actor.kind !== 'contact') return null;
  const scope = technicalScope(ctx.actor);
  if (scope.kind === 'assigned') return null;
  const row = (await selectDocuments(ctx).where(eq(documents.id, documentId)))[0];
  if (!row || !await reachesCompany(ctx.db, scope, row.doc.companyId)) return null;
  return scope.kind === 'provider' || row.doc.visibleToClient ? row : null;
}

export async function getDocument(ctx: ServiceContext, input: unknown): Promise<TDocumentView> {
  const scope = requireTechnicalRecords(ctx.actor);
  const { documentId } = ZDocumentIdInput.parse(input);
  const row = await visibleDocument(ctx, documentId);
  if (!row) throw new AppError('NOT_FOUND', 'No such document.');
  return view(row, scope.kind === 'provider');
}

/** What the download route needs, or null for anything the caller may not see. */
export async function openDocument(ctx: ServiceContext, documentId: number): Promise<{ document: TDocument; path: string } | null> {
  const row = await visibleDocument(ctx, documentId);
  return row && { document: row.doc, path: documentPath(ctx.settings, row.doc.sha256) };
}

/** Refuses before a byte is stored: only staff and Technical/Primary contacts upload. */
export function requireDocumentUpload(ctx: ServiceContext): void {
  requireTechnicalRecords(ctx.actor);
}

/**
 * Records a received file as a document. A contact's upload belongs to their company and
 * is visible to it; staff choose the company and the visibility.
 */
export async function createDocument(ctx: ServiceContext, input: unknown, file: TReceivedDocument): Promise<TDocumentView> {
  const scope = requireTechnicalRecords(ctx.actor);
  const data = ZDocumentUploadInput.parse(input ?? {});
  const userId = ctx.actor.kind === 'staff' || ctx.actor.kind === 'contact' ? ctx.actor.userId : null;
  const companyId = await writableCompany(ctx.db, scope, data.companyId);
  const visibleToClient = scope.kind === 'provider' ? data.visibleToClient : true;
  const title = data.title ?? (file.filename.replace(/\.[^.]+$/, '') || file.filename);
  placeDocumentFile(ctx.settings, file);
  const id = await unitOfWork(ctx, async (tx, emit) => {
    const now = ctx.clock.now();
    const row = (await tx
      .insert(documents)
      .values({ companyId, title, description: data.description, sha256: file.sha256, size: file.size, mimeType: file.mimeType, filename: file.filename, visibleToClient, uploadedByUserId: userId, createdAt: now, updatedAt: now })
      .returning())[0]!;
    emitTechnical(emit, scope.providerId, { record: 'document', id: row.id, companyId, action: 'created', visible: [visibleToClient] });
    return row.id;
  });
  return await getDocument(ctx, { documentId: id });
}

/** Receives and records one file (demo data, tests; the HTTP route streams the same way). */
export async function storeDocument(ctx: ServiceContext, input: unknown, source: AsyncIterable<Buffer>, filename: string): Promise<TDocumentView> {
  requireDocumentUpload(ctx);
  const file = await receiveDocument(ctx, source, filename);
  try {
    return await createDocument(ctx, input, file);
  } catch (err) {
    await discardDocument(file);
    throw err;
  }
}

export async function updateDocument(ctx: ServiceContext, input: unknown): Promise<TDocumentView> {
  const staff = requireStaff(ctx.actor);
  const data = ZUpdateDocumentInput.parse(input);
  const scope = requireTechnicalRecords(staff);
  await unitOfWork(ctx, async (tx, emit) => {
    const before = await inScope(tx, scope, (await tx.select().from(documents).where(eq(documents.id, data.documentId)))[0], 'document');
    (await tx.update(documents)
      .set({ title: data.title, description: data.description, visibleToClient: data.visibleToClient, updatedAt: ctx.clock.now() })
      .where(eq(documents.id, before.id)));
    const visible = [before.visibleToClient, data.visibleToClient];
    emitTechnical(emit, staff.providerId, { record: 'document', id: before.id, companyId: before.companyId, action: 'updated', visible });
  });
  return await getDocument(ctx, { documentId: data.documentId });
}

export async function deleteDocument(ctx: ServiceContext, input: unknown): Promise<{ deleted: true }> {
  const staff = requireStaff(ctx.actor);
  const { documentId } = ZDocumentIdInput.parse(input);
  const scope = requireTechnicalRecords(staff);
  const before = await unitOfWork(ctx, async (tx, emit) => {
    const row = await inScope(tx, scope, (await tx.select().from(documents).where(eq(documents.id, documentId)))[0], 'document');
    (await tx.delete(documents).where(eq(documents.id, documentId)));
    emitTechnical(emit, staff.providerId, { record: 'document', id: documentId, companyId: row.companyId, action: 'deleted', visible: [row.visibleToClient] });
    return row;
  });
  // After the commit, still synchronously: no upload can dedupe against the file meanwhile.
  await removeUnusedDocumentFile(ctx.db, ctx.settings, before.sha256);
  return { deleted: true };
}
