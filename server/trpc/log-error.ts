import type { TRPCError } from '@trpc/server';
import type { Logger } from 'pino';
import { toTrpcError } from './init';

/**
 * Logs a failed tRPC call at the level it deserves: a service's refusal (FORBIDDEN,
 * NOT_FOUND, …) raised inside a subscription's generator reaches onError as an internal
 * error wrapping the AppError; it is an expected answer, logged at info. Only real faults
 * are errors.
 */
export function logRpcError(log: Logger, where: string, error: Pick<TRPCError, 'code' | 'cause' | 'message'>, path: string | undefined): void {
  if (error.code !== 'INTERNAL_SERVER_ERROR') return;
  const mapped = toTrpcError(error.cause);
  if (mapped && mapped.code !== 'INTERNAL_SERVER_ERROR') log.info({ path, code: mapped.code, message: mapped.message }, `${where} refused`);
  else log.error({ err: error.cause ?? error, path }, `${where} error`);
}
