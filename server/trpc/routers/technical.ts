import { tracked } from '@trpc/server';
import { z } from 'zod';
import { sessionTopic } from '../../auth/topics';
import { createAsset, getAsset, listAssets, myAssets, setAssetArchived, updateAsset } from '../../technical/assets';
import { createCertificate, deleteCertificate, getCertificate, listCertificates, updateCertificate } from '../../technical/certificates';
import { deleteDocument, getDocument, listDocuments, updateDocument } from '../../technical/documents';
import { createDomain, deleteDomain, getDomain, listDomains, updateDomain } from '../../technical/domains';
import { technicalCompanies, technicalContacts } from '../../technical/pickers';
import * as S from '../../technical/schemas';
import { technicalSummary } from '../../technical/summary';
import { followTechnical } from '../../technical/technical-stream';
import { authedProcedure, router, staffProcedure } from '../procedures';

/*
 * Technical records (seed 004 Part IV). The services decide who sees what; staffProcedure
 * only spares staff-only writes a round trip. Uploads and downloads go over HTTP
 * (server/http/document-routes.ts).
 */

const ZNone = z.undefined();
const ZResume = z.object({ lastEventId: z.coerce.number().int().nonnegative().nullish() });

export const technicalRouter = router({
  summary: authedProcedure.input(ZNone).query(async ({ ctx }) => await technicalSummary(ctx.svc)),
  companies: staffProcedure.input(ZNone).query(async ({ ctx }) => await technicalCompanies(ctx.svc)),
  contacts: authedProcedure.input(S.ZCompanyIdInput).query(async ({ ctx, input }) => await technicalContacts(ctx.svc, input)),

  assets: authedProcedure.input(S.ZListAssetsInput).query(async ({ ctx, input }) => await listAssets(ctx.svc, input)),
  myAssets: authedProcedure.input(ZNone).query(async ({ ctx }) => await myAssets(ctx.svc)),
  asset: authedProcedure.input(S.ZAssetIdInput).query(async ({ ctx, input }) => await getAsset(ctx.svc, input)),
  createAsset: staffProcedure.input(S.ZCreateAssetInput).mutation(async ({ ctx, input }) => await createAsset(ctx.svc, input)),
  updateAsset: staffProcedure.input(S.ZUpdateAssetInput).mutation(async ({ ctx, input }) => await updateAsset(ctx.svc, input)),
  archiveAsset: staffProcedure.input(S.ZArchiveAssetInput).mutation(async ({ ctx, input }) => await setAssetArchived(ctx.svc, input)),

  documents: authedProcedure.input(S.ZListDocumentsInput).query(async ({ ctx, input }) => await listDocuments(ctx.svc, input)),
  document: authedProcedure.input(S.ZDocumentIdInput).query(async ({ ctx, input }) => await getDocument(ctx.svc, input)),
  updateDocument: staffProcedure.input(S.ZUpdateDocumentInput).mutation(async ({ ctx, input }) => await updateDocument(ctx.svc, input)),
  deleteDocument: staffProcedure.input(S.ZDocumentIdInput).mutation(async ({ ctx, input }) => await deleteDocument(ctx.svc, input)),

  domains: authedProcedure.input(S.ZListRecordsInput).query(async ({ ctx, input }) => await listDomains(ctx.svc, input)),
  domain: authedProcedure.input(S.ZDomainIdInput).query(async ({ ctx, input }) => await getDomain(ctx.svc, input)),
  createDomain: staffProcedure.input(S.ZCreateDomainInput).mutation(async ({ ctx, input }) => await createDomain(ctx.svc, input)),
  updateDomain: staffProcedure.input(S.ZUpdateDomainInput).mutation(async ({ ctx, input }) => await updateDomain(ctx.svc, input)),
  deleteDomain: staffProcedure.input(S.ZDomainIdInput).mutation(async ({ ctx, input }) => await deleteDomain(ctx.svc, input)),

  certificates: authedProcedure.input(S.ZListRecordsInput).query(async ({ ctx, input }) => await listCertificates(ctx.svc, input)),
  certificate: authedProcedure.input(S.ZCertificateIdInput).query(async ({ ctx, input }) => await getCertificate(ctx.svc, input)),
  createCertificate: staffProcedure.input(S.ZCreateCertificateInput).mutation(async ({ ctx, input }) => await createCertificate(ctx.svc, input)),
  updateCertificate: staffProcedure.input(S.ZUpdateCertificateInput).mutation(async ({ ctx, input }) => await updateCertificate(ctx.svc, input)),
  deleteCertificate: staffProcedure.input(S.ZCertificateIdInput).mutation(async ({ ctx, input }) => await deleteCertificate(ctx.svc, input)),

  /** What changed among the records the caller may see, live; resumes after `lastEventId`. */
  onChange: authedProcedure.input(ZResume).subscription(async function* ({ ctx, input, signal }) {
    const changes = followTechnical(ctx.svc, { lastEventId: input.lastEventId, signal, stopTopic: sessionTopic(ctx.session.id) });
    for await (const e of changes) yield tracked(String(e.id), { kind: e.kind, payload: e.payload });
  }),
});
