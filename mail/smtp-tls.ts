import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { TSettings } from '../server/settings';
import type { TTlsMode } from './smtp-listener';

/**
 * STARTTLS for the listener: the configured certificate; in development the library's
 * built-in test key; otherwise not offered at all, since a key anyone can read protects
 * nothing and would only pretend to.
 */
export function smtpTlsMode(settings: TSettings, log: Logger): TTlsMode {
  if (settings.SMTP_TLS_CERT && settings.SMTP_TLS_KEY) {
    return { cert: readFileSync(settings.SMTP_TLS_CERT), key: readFileSync(settings.SMTP_TLS_KEY) };
  }
  if (settings.NODE_ENV === 'development') return 'builtin';
  if (settings.NODE_ENV === 'production') log.warn('SMTP_TLS_CERT/SMTP_TLS_KEY not set: the mail listener offers no STARTTLS');
  return null;
}
