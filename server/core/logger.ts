import { DrizzleQueryError } from 'drizzle-orm/errors';
import pino, { type Logger } from 'pino';

/**
 * Errors as logged. A failed query is logged by its SQL and the database's own error, never
 * its parameters: those are what users typed and what the portal stores (mail bodies, token
 * and password hashes), which do not belong in logs.
 */
function serializeError(err: unknown): unknown {
  if (err instanceof DrizzleQueryError) {
    return {
      type: 'DrizzleQueryError',
      message: `Failed query: ${err.query}`,
      stack: err.stack?.replace(/^[\s\S]*?\n(?=\s+at )/, `DrizzleQueryError: Failed query: ${err.query}\n`),
      cause: err.cause ? serializeError(err.cause) : undefined,
    };
  }
  return pino.stdSerializers.err(err as Error);
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { app: 'portico' }, redact: ['req.headers.cookie', 'password', '*.password'], serializers: { err: serializeError } }, destination);
}
