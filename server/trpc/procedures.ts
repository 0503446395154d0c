import { TRPCError } from '@trpc/server';
import type { TActor } from '../core/actor';
import { withActor, type ServiceContext } from '../core/context';
import { actorForAccount } from '../auth/accounts';
import { validateSession, type TValidSession } from '../auth/session';
import { mustSetUpTwoFactor } from '../auth/two-factor-requirement';
import { mustAcceptPrivacy } from '../privacy/consent-requirement';
import { t, toTrpcError } from './init';

/*
 * The only base procedures the routers may use. Each call re-validates the session from
 * the database (WebSocket calls too), so an ended session stops working at once.
 */

const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTrpcError(result.error.cause);
    if (mapped) throw mapped;
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(mapErrors).use(({ ctx, next }) => next({ ctx: { svc: ctx.base } }));

/** Signed in, with or without an account chosen yet (choose-account, sign out, me). */
export const sessionProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const session = ctx.sessionId ? await validateSession(ctx.base, ctx.sessionId) : null;
  if (!session) {
    // A socket whose session is gone (signed out elsewhere, expired) serves nobody: close it.
    ctx.closeConnection('signed_out');
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
  }
  const actor: TActor | null =
    session.accountKind && session.accountId
      ? actorForAccount(ctx.base.db, session.user, { kind: session.accountKind, id: session.accountId })
      : null;
  return next({ ctx: { session, actor, svc: actor ? withActor(ctx.base, actor) : ctx.base } });
});

type TSignedInCtx = { session: TValidSession; svc: ServiceContext };

export const authedProcedure = sessionProcedure.use(({ ctx, next }) => {
  if (!ctx.actor) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Choose an account to continue.' });
  if (mustSetUpTwoFactor(ctx.base, ctx.actor)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Set up two-factor authentication to continue.' });
  }
  if (mustAcceptPrivacy(ctx.base, ctx.actor)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Accept the privacy policy to continue.' });
  }
  return next({ ctx: { session: ctx.session, svc: ctx.svc, actor: ctx.actor } satisfies TSignedInCtx & { actor: TActor } });
});

export const staffProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.actor.kind !== 'staff') throw new TRPCError({ code: 'FORBIDDEN', message: 'This is for staff only.' });
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});
