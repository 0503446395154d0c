import { ZSavedCardId, ZSavedCardsFilter, ZSetAutoPayInput } from '../../payments/autopay-schemas';
import { autopayOverview, setAutoPay } from '../../payments/autopay-toggle';
import { listSavedCards, removeSavedCard, setDefaultCard, startSaveCard } from '../../payments/saved-cards';
import { authedProcedure, router } from '../procedures';

/*
 * Finance > Auto Payment (seed 004 §16): saved cards and the Auto Pay switch per recurring
 * invoice. The services decide who may (Billing and Primary contacts; staff read, and switch).
 */
export const autopayRouter = router({
  overview: authedProcedure.query(async ({ ctx }) => await autopayOverview(ctx.svc)),
  cards: authedProcedure.input(ZSavedCardsFilter).query(async ({ ctx, input }) => await listSavedCards(ctx.svc, input)),
  /** "Save Card": the URL of the gateway's hosted page to send the browser to. */
  saveCard: authedProcedure.mutation(({ ctx }) => startSaveCard(ctx.svc)),
  removeCard: authedProcedure.input(ZSavedCardId).mutation(({ ctx, input }) => removeSavedCard(ctx.svc, input)),
  makeDefault: authedProcedure.input(ZSavedCardId).mutation(async ({ ctx, input }) => await setDefaultCard(ctx.svc, input)),
  setAutoPay: authedProcedure.input(ZSetAutoPayInput).mutation(async ({ ctx, input }) => await setAutoPay(ctx.svc, input)),
});
