import { loadOnFirstUse } from '../../core/load-on-first-use';

/** openid-client, loaded by the first single sign-on rather than at start. */
export const loadOidc = loadOnFirstUse(() => import('openid-client'));
