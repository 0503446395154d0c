import { TRPCError } from '@trpc/server';
import type { TActor } from '../core/actor';
import { withActor, type ServiceContext } from '../core/context';
import type { TValidSession } from '../auth/session';
import { GATE_REFUSALS, passSignInGate, type TGateRefusal } from '../auth/sign-in-gate';
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
  const gate = await passSignInGate(ctx.base, ctx.sessionId);
  if (gate.kind === 'signed_out') {
    // A socket whose session is gone (signed out elsewhere, expired) serves nobody: close it.
    ctx.closeConnection('signed_out');
    throw refusal(gate.kind);
  }
  const actor: TActor | null = gate.kind === 'choose_account' ? null : gate.actor;
  return next({ ctx: { session: gate.session, actor, gate: gate.kind, svc: actor ? withActor(ctx.base, actor) : ctx.base } });
});

type TSignedInCtx = { session: TValidSession; svc: ServiceContext };

export const authedProcedure = sessionProcedure.use(({ ctx, next }) => {
  if (ctx.gate !== 'through' || !ctx.actor) throw refusal(ctx.gate === 'through' ? 'choose_account' : ctx.gate);
  return next({ ctx: { session: ctx.session, svc: ctx.svc, actor: ctx.actor } satisfies TSignedInCtx & { actor: TActor } });
});

function refusal(kind: TGateRefusal): TRPCError {
  const { code, message } = GATE_REFUSALS[kind];
  return new TRPCError({ code: code === 'UNAUTHENTICATED' ? 'UNAUTHORIZED' : 'FORBIDDEN', message });
}

export const staffProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.actor.kind !== 'staff') throw new TRPCError({ code: 'FORBIDDEN', message: 'This is for staff only.' });
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});
