import { beginTotpSetup, confirmTotpSetup, hasTotp, remainingRecoveryCodes } from '../../auth/totp';
import { ZTotpCodeInput } from '../../auth/schemas';
import { router, sessionProcedure } from '../procedures';

export const twoFactorRouter = router({
  status: sessionProcedure.query(({ ctx }) => ({
    enabled: hasTotp(ctx.svc, ctx.session.userId),
    recoveryCodesLeft: remainingRecoveryCodes(ctx.svc, ctx.session.userId),
  })),
  beginSetup: sessionProcedure.mutation(({ ctx }) => beginTotpSetup(ctx.svc, ctx.session.userId)),
  /** Confirms with a first code; the ten recovery codes are returned this once only. */
  confirmSetup: sessionProcedure
    .input(ZTotpCodeInput)
    .mutation(({ ctx, input }) => ({ recoveryCodes: confirmTotpSetup(ctx.svc, ctx.session.userId, input.code) })),
});
