import { endUserSessions } from '../../admin/end-user-sessions';
import { listUsers } from '../../admin/list-users';
import { getMailSenderSettings, updateMailSenderSettings, ZMailSenderSettingsInput } from '../../admin/mail-sender-settings';
import { getPaymentInstructions, updatePaymentInstructions, ZPaymentInstructionsInput } from '../../admin/payment-instructions';
import { ZListUsersInput, ZUserIdInput } from '../../admin/schemas';
import { unlockUser } from '../../admin/unlock-user';
import { getProviderSettings, setProviderLogo, updateProviderSettings, ZLogoInput, ZProviderSettingsInput } from '../../admin/provider-settings';
import { getSecuritySettings, setCompanyTwoFactor, updateSecuritySettings, ZCompanyTwoFactorInput, ZSecuritySettingsInput } from '../../admin/security-settings';
import { listAudit, ZListAuditInput } from '../../audit/list-audit';
import { router, staffProcedure } from '../procedures';

/** Staff admin security pages; each service checks for an administrator itself. */
export const adminRouter = router({
  users: staffProcedure.input(ZListUsersInput).query(async ({ ctx, input }) => await listUsers(ctx.svc, input)),
  unlock: staffProcedure.input(ZUserIdInput).mutation(async ({ ctx, input }) => await unlockUser(ctx.svc, input, { ip: ctx.ip })),
  endSessions: staffProcedure
    .input(ZUserIdInput)
    .mutation(async ({ ctx, input }) => await endUserSessions(ctx.svc, input, { sessionId: ctx.session.id, ip: ctx.ip })),
  securitySettings: staffProcedure.query(async ({ ctx }) => await getSecuritySettings(ctx.svc)),
  updateSecuritySettings: staffProcedure.input(ZSecuritySettingsInput).mutation(async ({ ctx, input }) => {
    await updateSecuritySettings(ctx.svc, input, ctx.ip);
    return { ok: true as const };
  }),
  setCompanyTwoFactor: staffProcedure.input(ZCompanyTwoFactorInput).mutation(async ({ ctx, input }) => {
    await setCompanyTwoFactor(ctx.svc, input, ctx.ip);
    return { ok: true as const };
  }),
  providerSettings: staffProcedure.query(async ({ ctx }) => await getProviderSettings(ctx.svc)),
  updateProviderSettings: staffProcedure.input(ZProviderSettingsInput).mutation(async ({ ctx, input }) => {
    await updateProviderSettings(ctx.svc, input, ctx.ip);
    return { ok: true as const };
  }),
  /** Mail intake: senders whose domain publishes no DMARC policy, and domains trusted without authentication. */
  mailSenderSettings: staffProcedure.query(async ({ ctx }) => await getMailSenderSettings(ctx.svc)),
  updateMailSenderSettings: staffProcedure.input(ZMailSenderSettingsInput).mutation(async ({ ctx, input }) => {
    await updateMailSenderSettings(ctx.svc, input, ctx.ip);
    return { ok: true as const };
  }),
  /** How clients pay other than by card: on invoice pages and PDFs. */
  paymentInstructions: staffProcedure.query(async ({ ctx }) => await getPaymentInstructions(ctx.svc)),
  updatePaymentInstructions: staffProcedure.input(ZPaymentInstructionsInput).mutation(async ({ ctx, input }) => await updatePaymentInstructions(ctx.svc, input)),
  setLogo: staffProcedure.input(ZLogoInput).mutation(({ ctx, input }) => setProviderLogo(ctx.svc, input)),
  securityLog: staffProcedure.input(ZListAuditInput).query(async ({ ctx, input }) => await listAudit(ctx.svc, input)),
});
