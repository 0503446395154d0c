import { acceptPrivacy } from '../../privacy/accept-privacy';
import { listConsentPeople, setConsentRequired } from '../../privacy/consent-people';
import { exportPrivacyHistory } from '../../privacy/privacy-csv';
import { listPrivacyHistory } from '../../privacy/privacy-history';
import { getPrivacySettings, updatePrivacySettings } from '../../privacy/privacy-settings';
import { ZAcceptPrivacyInput, ZConsentRequiredInput, ZPrivacyHistoryInput, ZPrivacySettingsInput } from '../../privacy/schemas';
import { router, sessionProcedure, staffProcedure } from '../procedures';

export const privacyRouter = router({
  /** Reachable while the privacy gate is up (authedProcedure refuses everything else). */
  accept: sessionProcedure.input(ZAcceptPrivacyInput).mutation(async ({ ctx, input }) => await acceptPrivacy(ctx.svc, input, { ip: ctx.ip })),

  settings: staffProcedure.query(async ({ ctx }) => await getPrivacySettings(ctx.svc)),
  saveSettings: staffProcedure.input(ZPrivacySettingsInput).mutation(async ({ ctx, input }) => await updatePrivacySettings(ctx.svc, input)),
  people: staffProcedure.query(async ({ ctx }) => await listConsentPeople(ctx.svc)),
  setConsentRequired: staffProcedure.input(ZConsentRequiredInput).mutation(async ({ ctx, input }) => await setConsentRequired(ctx.svc, input)),
  history: staffProcedure.input(ZPrivacyHistoryInput).query(async ({ ctx, input }) => await listPrivacyHistory(ctx.svc, input)),
  /** The CSV is built here so quoting and formula neutralising live in one tested place. */
  exportCsv: staffProcedure.query(async ({ ctx }) => await exportPrivacyHistory(ctx.svc)),
});
