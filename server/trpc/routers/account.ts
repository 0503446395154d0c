import { endOwnSession, listActiveSessions, ZEndSessionInput } from '../../auth/active-sessions';
import { requestEmailChange, ZChangeEmailInput } from '../../auth/change-email';
import { changePassword, ZChangePasswordInput } from '../../auth/change-password';
import { describePolicy, policyForUser } from '../../auth/password-policy';
import { reauthenticate, ZReauthenticateInput } from '../../auth/reauthenticate';
import { forgetTrustedDevice, listTrustedDevices, ZForgetDeviceInput } from '../../auth/trusted-devices';
import { router, sessionProcedure } from '../procedures';

export const accountRouter = router({
  sessions: sessionProcedure.query(async ({ ctx }) => await listActiveSessions(ctx.svc, ctx.session)),
  endSession: sessionProcedure.input(ZEndSessionInput).mutation(async ({ ctx, input }) => {
    await endOwnSession(ctx.svc, ctx.session, input);
    return { ok: true as const };
  }),
  passwordRules: sessionProcedure.query(async ({ ctx }) => describePolicy(await policyForUser(ctx.svc.db, ctx.session.userId))),
  changePassword: sessionProcedure
    .input(ZChangePasswordInput)
    .mutation(({ ctx, input }) => changePassword(ctx.svc, ctx.session, input, ctx.ip)),
  /** "Confirm your password" before a sensitive change (valid 5 minutes). */
  reauthenticate: sessionProcedure
    .input(ZReauthenticateInput)
    .mutation(({ ctx, input }) => reauthenticate(ctx.svc, ctx.session, input, ctx.ip)),
  trustedDevices: sessionProcedure.query(async ({ ctx }) => await listTrustedDevices(ctx.svc, ctx.session.userId)),
  forgetDevice: sessionProcedure.input(ZForgetDeviceInput).mutation(async ({ ctx, input }) => {
    await forgetTrustedDevice(ctx.svc, ctx.session.userId, input, ctx.ip);
    return { ok: true as const };
  }),
  changeEmail: sessionProcedure
    .input(ZChangeEmailInput)
    .mutation(async ({ ctx, input }) => await requestEmailChange(ctx.svc, ctx.session, input, ctx.ip)),
});
