import { createTRPCClient, createWSClient, httpBatchLink, splitLink, wsLink, TRPCClientError } from '@trpc/client';
import { createSignal } from 'solid-js';
import type { AppRouter } from '../../../server/trpc/router';

export type TLiveState = 'connecting' | 'live' | 'offline';
const [liveState, setLiveState] = createSignal<TLiveState>('connecting');
/** The WebSocket's state, for the connection indicator in the header. */
export { liveState };

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/trpc`;

export const wsClient = createWSClient({
  url: wsUrl,
  onOpen: () => setLiveState('live'),
  onClose: () => setLiveState('offline'),
  retryDelayMs: (attempt) => Math.min(500 * 2 ** attempt, 10_000),
});

/** Subscriptions over the WebSocket; queries and mutations over HTTP so sign-in can set cookies. */
export const trpc = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: wsLink({ client: wsClient }),
      // Below the server's HTTP_MAX_BATCH (20 by default): a page that asks more at once sends several batches.
      false: httpBatchLink({ url: '/trpc', maxItems: 10 }),
    }),
  ],
});

/** A user-facing message for a failed call, with field errors when the input was refused. */
export function errorMessage(err: unknown): string {
  if (err instanceof TRPCClientError) return err.message;
  return 'Could not reach the portal. Check your connection and try again.';
}

export function fieldErrors(err: unknown): Record<string, string[] | undefined> {
  if (err instanceof TRPCClientError) {
    const data = err.data as { fieldErrors?: Record<string, string[]> } | undefined;
    return data?.fieldErrors ?? {};
  }
  return {};
}
