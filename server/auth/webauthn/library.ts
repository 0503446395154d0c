import { loadOnFirstUse } from '../../core/load-on-first-use';

/** @simplewebauthn/server, loaded by the first passkey or security-key ceremony rather than at start. */
export const loadWebauthn = loadOnFirstUse(() => import('@simplewebauthn/server'));
