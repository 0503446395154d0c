import { requestPasswordReset, resetPassword, ZRequestResetInput, ZResetPasswordInput } from '../../auth/password-reset';
import { publicProcedure, router } from '../procedures';

export const passwordResetRouter = router({
  request: publicProcedure.input(ZRequestResetInput).mutation(({ ctx, input }) => requestPasswordReset(ctx.svc, input, ctx.ip)),
  reset: publicProcedure.input(ZResetPasswordInput).mutation(({ ctx, input }) => resetPassword(ctx.svc, input)),
});
