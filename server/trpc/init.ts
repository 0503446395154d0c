import { initTRPC, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ZodError, z } from 'zod';
import { AppError, type TAppErrorCode } from '../core/app-error';
import type { TRpcContext } from './context';

const CODE_MAP: Record<TAppErrorCode, TRPCError['code']> = {
  BAD_INPUT: 'BAD_REQUEST',
  UNAUTHENTICATED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  TEMPORARY: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** Maps a service's AppError or ZodError to the tRPC error a client sees. */
export function toTrpcError(err: unknown): TRPCError | null {
  if (err instanceof AppError) return new TRPCError({ code: CODE_MAP[err.code], message: err.message, cause: err });
  if (err instanceof ZodError) {
    const first = err.issues[0];
    return new TRPCError({ code: 'BAD_REQUEST', message: first ? first.message : 'Invalid input.', cause: err });
  }
  return null;
}

/** A service's field-level refusal (`details.field`) in the same shape as zod's. */
function appFieldErrors(err: TRPCError): Record<string, string[]> | undefined {
  const field = err.cause instanceof AppError ? err.cause.details?.field : undefined;
  return typeof field === 'string' ? { [field]: [err.message] } : undefined;
}

export const t = initTRPC.context<TRpcContext>().create({
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    // Errors from inside a subscription's generator skip the middleware; map them here too.
    const mapped = error.code === 'INTERNAL_SERVER_ERROR' ? toTrpcError(error.cause) : null;
    const final = mapped ?? error;
    return {
      ...shape,
      code: TRPC_ERROR_CODES_BY_KEY[final.code],
      // Field-level messages so forms can show them next to the field.
      data: {
        ...shape.data,
        code: final.code,
        httpStatus: getHTTPStatusCodeFromError(final),
        stack: undefined,
        fieldErrors: zod ? z.flattenError(zod).fieldErrors : appFieldErrors(final),
        // The page asks for the password again and retries (sensitive account changes).
        reauthRequired: final.cause instanceof AppError && final.cause.details?.reauth === true ? true : undefined,
      },
      message: final.code === 'INTERNAL_SERVER_ERROR' ? 'Something went wrong on our side. Please try again.' : final.message,
    };
  },
});
