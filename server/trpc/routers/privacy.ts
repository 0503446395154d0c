import { acceptPrivacy } from '../../privacy/accept-privacy';
import { listConsentPeople, setConsentRequired } from '../../privacy/consent-people';
import { exportPrivacyHistory } from '../../privacy/privacy-csv';
import { listPrivacyHistory } from '../../privacy/privacy-history';
import { getPrivacySettings, updatePrivacySettings } from '../../privacy/privacy-settings';
import { ZAcceptPrivacyInput, ZConsentRequiredInput, ZPrivacyHistoryInput, ZPrivacySettingsInput } from '../../privacy/schemas';
import { router, sessionProcedure, staffProcedure } from '../procedures';

export const privacyRouter = router({
  /** Reachable while the privacy gate is up (authedProcedure refuses everything else). */
  accept: sessionProcedure.input(ZAcceptPrivacyInput).mutation(({ ctx, input }) => acceptPrivacy(ctx.svc, input, { ip: ctx.ip })),

  settings: staffProcedure.query(({ ctx }) => getPrivacySettings(ctx.svc)),
  saveSettings: staffProcedure.input(ZPrivacySettingsInput).mutation(({ ctx, input }) => updatePrivacySettings(ctx.svc, input)),
  people: staffProcedure.query(({ ctx }) => listConsentPeople(ctx.svc)),
  setConsentRequired: staffProcedure.input(ZConsentRequiredInput).mutation(({ ctx, input }) => setConsentRequired(ctx.svc, input)),
  history: staffProcedure.input(ZPrivacyHistoryInput).query(({ ctx, input }) => listPrivacyHistory(ctx.svc, input)),
  /** The CSV is built here so quoting and formula neutralising live in one tested place. */
  exportCsv: staffProcedure.query(({ ctx }) => exportPrivacyHistory(ctx.svc)),
});
