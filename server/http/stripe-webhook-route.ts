import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceContext } from '../core/context';
import { handleStripeWebhook } from '../payments/stripe-webhook';

/*
 * POST /webhooks/stripe/<provider identifier or id>: Stripe's event deliveries. No session,
 * no CSRF check (Stripe is not a browser): the signature over the raw body is the proof, so
 * the body is read as bytes, never parsed before the payments service has verified it.
 */

export const STRIPE_WEBHOOK_PATH = /^\/webhooks\/stripe\/([A-Za-z0-9._~%-]{1,200})$/;

/** Stripe's events are a few KB; anything this large is not one. */
const MAX_BODY_BYTES = 512 * 1024;

const answer = (res: ServerResponse, status: number, body: Record<string, unknown>): void => {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
};

export async function handleStripeWebhookRoute(base: ServiceContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const m = STRIPE_WEBHOOK_PATH.exec((req.url ?? '/').split('?')[0] ?? '/');
  if (!m) return answer(res, 404, { error: 'Not found.' });
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return answer(res, 405, { error: 'Use POST.' });
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    return answer(res, 413, { error: 'Too large.' });
  }
  const body = await readLimited(req, MAX_BODY_BYTES);
  if (!body) return answer(res, 413, { error: 'Too large.' });
  let key: string;
  try {
    key = decodeURIComponent(m[1]!);
  } catch {
    return answer(res, 404, { error: 'Not found.' });
  }
  const sig = req.headers['stripe-signature'];
  const result = await handleStripeWebhook(base, key, body, typeof sig === 'string' ? sig : undefined);
  answer(res, result.status, result.body);
}

/** The whole body, or null past `limit` (the rest is drained, so the client still gets the answer). */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
