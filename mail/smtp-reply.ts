import { isAppError, type TAppErrorCode } from '../server/core/app-error';

/** SMTP reply for a service error: permanent refusals are 5xx, anything transient 451 so the sender retries. */
const CODES: Record<TAppErrorCode, [number, string]> = {
  BAD_INPUT: [550, '5.6.0'],
  UNAUTHENTICATED: [550, '5.7.1'],
  FORBIDDEN: [550, '5.7.1'],
  NOT_FOUND: [550, '5.1.1'],
  CONFLICT: [550, '5.7.0'],
  RATE_LIMITED: [451, '4.7.1'],
  TEMPORARY: [451, '4.3.0'],
  INTERNAL: [451, '4.3.0'],
};

export function smtpErrorFor(err: unknown): Error & { responseCode: number } {
  const [code, enhanced] = isAppError(err) ? CODES[err.code] : CODES.INTERNAL;
  const text = isAppError(err) && code >= 500 ? err.message : 'Temporary failure, try again later';
  const out = new Error(`${enhanced} ${text}`) as Error & { responseCode: number };
  out.responseCode = code;
  return out;
}
