import { acceptInvitation, getInvitation, joinWithExistingAccount, sendInvitation, ZAcceptInvitationInput, ZInvitationTokenInput, ZSendInvitationInput } from '../../auth/invitations';
import { authedProcedure, publicProcedure, router } from '../procedures';

export const invitationsRouter = router({
  /** Send or "Resend invitation": a new link, the old one stops working. */
  send: authedProcedure.input(ZSendInvitationInput).mutation(async ({ ctx, input }) => await sendInvitation(ctx.svc, input)),
  get: publicProcedure.input(ZInvitationTokenInput).query(async ({ ctx, input }) => await getInvitation(ctx.svc, input)),
  join: publicProcedure.input(ZInvitationTokenInput).mutation(async ({ ctx, input }) => await joinWithExistingAccount(ctx.svc, input)),
  accept: publicProcedure.input(ZAcceptInvitationInput).mutation(({ ctx, input }) => acceptInvitation(ctx.svc, input)),
});
