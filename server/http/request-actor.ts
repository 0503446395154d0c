import type { IncomingMessage } from 'node:http';
import { readSessionToken, sessionIdFromToken } from '../auth/session';
import { GATE_REFUSALS, passSignInGate } from '../auth/sign-in-gate';
import type { TActor } from '../core/actor';
import type { ServiceContext } from '../core/context';

export type TRequestRefusal = { status: number; error: string };

/**
 * The actor behind a plain HTTP request (file routes), through the same gate as the tRPC
 * `authedProcedure` (server/auth/sign-in-gate.ts). Otherwise, why not, as a status.
 */
export async function requestActor(base: ServiceContext, req: IncomingMessage): Promise<TActor | TRequestRefusal> {
  const token = readSessionToken(base.settings.publicUrl, req.headers.cookie);
  const gate = await passSignInGate(base, token ? sessionIdFromToken(token) : null);
  if (gate.kind === 'through') return gate.actor;
  const refusal = GATE_REFUSALS[gate.kind];
  return { status: refusal.code === 'UNAUTHENTICATED' ? 401 : 403, error: refusal.message };
}

export const isRefusal = (x: TActor | TRequestRefusal): x is TRequestRefusal => 'status' in x;
