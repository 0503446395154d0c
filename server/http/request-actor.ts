import type { IncomingMessage } from 'node:http';
import { actorForAccount } from '../auth/accounts';
import { readSessionToken, sessionIdFromToken, validateSession } from '../auth/session';
import { mustSetUpTwoFactor } from '../auth/two-factor-requirement';
import type { TActor } from '../core/actor';
import type { ServiceContext } from '../core/context';
import { mustAcceptPrivacy } from '../privacy/consent-requirement';

export type TRequestRefusal = { status: number; error: string };

/**
 * The actor behind a plain HTTP request (file routes), with the same gates as the tRPC
 * `authedProcedure`: a live session, a chosen usable account, 2FA set up where required,
 * and the privacy policy accepted where required. Otherwise, why not.
 */
export async function requestActor(base: ServiceContext, req: IncomingMessage): Promise<TActor | TRequestRefusal> {
  const token = readSessionToken(base.settings.publicUrl, req.headers.cookie);
  const session = token ? await validateSession(base, sessionIdFromToken(token)) : null;
  if (!session) return { status: 401, error: 'Please sign in.' };
  const actor = session.accountKind && session.accountId ? actorForAccount(base.db, session.user, { kind: session.accountKind, id: session.accountId }) : null;
  if (!actor) return { status: 401, error: 'Choose an account to continue.' };
  if (mustSetUpTwoFactor(base, actor) || mustAcceptPrivacy(base, actor)) return { status: 403, error: 'Finish signing in to continue.' };
  return actor;
}

export const isRefusal = (x: TActor | TRequestRefusal): x is TRequestRefusal => 'status' in x;
