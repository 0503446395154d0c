import { checkResetLink, requestPasswordReset, resetPassword, ZRequestResetInput, ZResetLinkInput, ZResetPasswordInput } from '../../auth/password-reset';
import { publicProcedure, router } from '../procedures';

export const passwordResetRouter = router({
  request: publicProcedure.input(ZRequestResetInput).mutation(async ({ ctx, input }) => await requestPasswordReset(ctx.svc, input, ctx.ip)),
  check: publicProcedure.input(ZResetLinkInput).query(async ({ ctx, input }) => await checkResetLink(ctx.svc, input)),
  reset: publicProcedure.input(ZResetPasswordInput).mutation(({ ctx, input }) => resetPassword(ctx.svc, input, ctx.ip)),
});
