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
  summary: authedProcedure.input(ZNone).query(({ ctx }) => technicalSummary(ctx.svc)),
  companies: staffProcedure.input(ZNone).query(({ ctx }) => technicalCompanies(ctx.svc)),
  contacts: authedProcedure.input(S.ZCompanyIdInput).query(({ ctx, input }) => technicalContacts(ctx.svc, input)),

  assets: authedProcedure.input(S.ZListAssetsInput).query(({ ctx, input }) => listAssets(ctx.svc, input)),
  myAssets: authedProcedure.input(ZNone).query(({ ctx }) => myAssets(ctx.svc)),
  asset: authedProcedure.input(S.ZAssetIdInput).query(({ ctx, input }) => getAsset(ctx.svc, input)),
  createAsset: staffProcedure.input(S.ZCreateAssetInput).mutation(({ ctx, input }) => createAsset(ctx.svc, input)),
  updateAsset: staffProcedure.input(S.ZUpdateAssetInput).mutation(({ ctx, input }) => updateAsset(ctx.svc, input)),
  archiveAsset: staffProcedure.input(S.ZArchiveAssetInput).mutation(({ ctx, input }) => setAssetArchived(ctx.svc, input)),

  documents: authedProcedure.input(S.ZListDocumentsInput).query(({ ctx, input }) => listDocuments(ctx.svc, input)),
  document: authedProcedure.input(S.ZDocumentIdInput).query(({ ctx, input }) => getDocument(ctx.svc, input)),
  updateDocument: staffProcedure.input(S.ZUpdateDocumentInput).mutation(({ ctx, input }) => updateDocument(ctx.svc, input)),
  deleteDocument: staffProcedure.input(S.ZDocumentIdInput).mutation(({ ctx, input }) => deleteDocument(ctx.svc, input)),

  domains: authedProcedure.input(S.ZListRecordsInput).query(({ ctx, input }) => listDomains(ctx.svc, input)),
  domain: authedProcedure.input(S.ZDomainIdInput).query(({ ctx, input }) => getDomain(ctx.svc, input)),
  createDomain: staffProcedure.input(S.ZCreateDomainInput).mutation(({ ctx, input }) => createDomain(ctx.svc, input)),
  updateDomain: staffProcedure.input(S.ZUpdateDomainInput).mutation(({ ctx, input }) => updateDomain(ctx.svc, input)),
  deleteDomain: staffProcedure.input(S.ZDomainIdInput).mutation(({ ctx, input }) => deleteDomain(ctx.svc, input)),

  certificates: authedProcedure.input(S.ZListRecordsInput).query(({ ctx, input }) => listCertificates(ctx.svc, input)),
  certificate: authedProcedure.input(S.ZCertificateIdInput).query(({ ctx, input }) => getCertificate(ctx.svc, input)),
  createCertificate: staffProcedure.input(S.ZCreateCertificateInput).mutation(({ ctx, input }) => createCertificate(ctx.svc, input)),
  updateCertificate: staffProcedure.input(S.ZUpdateCertificateInput).mutation(({ ctx, input }) => updateCertificate(ctx.svc, input)),
  deleteCertificate: staffProcedure.input(S.ZCertificateIdInput).mutation(({ ctx, input }) => deleteCertificate(ctx.svc, input)),

  /** What changed among the records the caller may see, live; resumes after `lastEventId`. */
  onChange: authedProcedure.input(ZResume).subscription(async function* ({ ctx, input, signal }) {
    const changes = followTechnical(ctx.svc, { lastEventId: input.lastEventId, signal, stopTopic: sessionTopic(ctx.session.id) });
    for await (const e of changes) yield tracked(String(e.id), { kind: e.kind, payload: e.payload });
  }),
});
