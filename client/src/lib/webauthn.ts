import { browserSupportsWebAuthn, startAuthentication, startRegistration, WebAuthnError } from '@simplewebauthn/browser';
import { errorMessage } from './trpc';

/** A refusal from the browser or the authenticator (not from the portal), with a message for the page. */
export class BrowserRefusal extends Error {}

const UNSUPPORTED = 'This browser does not support passkeys or security keys. Use another browser, or another way to sign in.';

/** Turns what navigator.credentials threw into words a person can act on. */
function refusal(err: unknown, ceremony: 'create' | 'get'): BrowserRefusal {
  const name = err instanceof WebAuthnError ? (err.cause as Error | undefined)?.name : err instanceof Error ? err.name : '';
  const code = err instanceof WebAuthnError ? err.code : '';
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError') {
    return new BrowserRefusal('That passkey or security key is already on your account.');
  }
  if (name === 'NotAllowedError' || name === 'AbortError') {
    return new BrowserRefusal(
      ceremony === 'create'
        ? 'No passkey or security key was added: the request was cancelled or timed out. Try again when you are ready.'
        : 'The passkey or security key request was cancelled or timed out. Try again, or choose another way.',
    );
  }
  if (code === 'ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT') {
    return new BrowserRefusal('This security key cannot check a PIN or fingerprint, which the portal requires. Use another one.');
  }
  if (name === 'SecurityError') return new BrowserRefusal('The browser refused: this page is not at the portal\'s own address.');
  if (name === 'NotSupportedError') return new BrowserRefusal(UNSUPPORTED);
  return new BrowserRefusal('The browser could not use a passkey or security key. Try again, or choose another way.');
}

type TCreationOptions = Parameters<typeof startRegistration>[0]['optionsJSON'];
type TRequestOptions = Parameters<typeof startAuthentication>[0]['optionsJSON'];
/*
 * The options are the server library's own output, sent as JSON; tRPC's inferred type of
 * it loses the DOM's BufferSource in extension fields we never set, hence the casts.
 */
type TFromServer = { challenge: string };

/** navigator.credentials.create() with the server's options; throws BrowserRefusal when it does not happen. */
export async function createCredential(optionsJSON: TFromServer) {
  if (!browserSupportsWebAuthn()) throw new BrowserRefusal(UNSUPPORTED);
  try {
    return await startRegistration({ optionsJSON: optionsJSON as TCreationOptions });
  } catch (err) {
    throw refusal(err, 'create');
  }
}

/** navigator.credentials.get() with the server's options; throws BrowserRefusal when it does not happen. */
export async function getAssertion(optionsJSON: TFromServer) {
  if (!browserSupportsWebAuthn()) throw new BrowserRefusal(UNSUPPORTED);
  try {
    return await startAuthentication({ optionsJSON: optionsJSON as TRequestOptions });
  } catch (err) {
    throw refusal(err, 'get');
  }
}

/**
 * getAssertion for a sign-in step: null after handing the browser's refusal to `refused` (shown
 * beside the button); the portal's own answers still throw to the page's alert.
 */
export async function assertionOrRefusal(optionsJSON: TFromServer, refused: (message: string) => void) {
  try {
    return await getAssertion(optionsJSON);
  } catch (err) {
    if (err instanceof BrowserRefusal) {
      refused(err.message);
      return null;
    }
    throw err;
  }
}

/** The message for a failed passkey step: the browser's refusal, or the portal's answer. */
export function passkeyErrorMessage(err: unknown): string {
  return err instanceof BrowserRefusal ? err.message : errorMessage(err);
}
