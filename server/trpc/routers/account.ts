import { endOwnSession, listActiveSessions, ZEndSessionInput } from '../../auth/active-sessions';
import { requestEmailChange, ZChangeEmailInput } from '../../auth/change-email';
import { changePassword, ZChangePasswordInput } from '../../auth/change-password';
import { describePolicy, policyForUser } from '../../auth/password-policy';
import { reauthenticate, ZReauthenticateInput } from '../../auth/reauthenticate';
import { forgetTrustedDevice, listTrustedDevices, ZForgetDeviceInput } from '../../auth/trusted-devices';
import { router, sessionProcedure } from '../procedures';

export const accountRouter = router({
  sessions: sessionProcedure.query(({ ctx }) => listActiveSessions(ctx.svc, ctx.session)),
  endSession: sessionProcedure.input(ZEndSessionInput).mutation(({ ctx, input }) => {
    endOwnSession(ctx.svc, ctx.session, input);
    return { ok: true as const };
  }),
  passwordRules: sessionProcedure.query(({ ctx }) => describePolicy(policyForUser(ctx.svc.db, ctx.session.userId))),
  changePassword: sessionProcedure
    .input(ZChangePasswordInput)
    .mutation(({ ctx, input }) => changePassword(ctx.svc, ctx.session, input, ctx.ip)),
  /** "Confirm your password" before a sensitive change (valid 5 minutes). */
  reauthenticate: sessionProcedure
    .input(ZReauthenticateInput)
    .mutation(({ ctx, input }) => reauthenticate(ctx.svc, ctx.session, input, ctx.ip)),
  trustedDevices: sessionProcedure.query(({ ctx }) => listTrustedDevices(ctx.svc, ctx.session.userId)),
  forgetDevice: sessionProcedure.input(ZForgetDeviceInput).mutation(({ ctx, input }) => {
    forgetTrustedDevice(ctx.svc, ctx.session.userId, input, ctx.ip);
    return { ok: true as const };
  }),
  changeEmail: sessionProcedure
    .input(ZChangeEmailInput)
    .mutation(({ ctx, input }) => requestEmailChange(ctx.svc, ctx.session, input, ctx.ip)),
});
