/**
 * Sends one text message through an HTTP SMS gateway in the shape of Twilio's Messages API:
 * POST {apiUrl}/2010-04-01/Accounts/{sid}/Messages.json, form-encoded To/From/Body, HTTP
 * Basic auth sid:token. Every failure becomes an SmsSendError whose message is safe to show
 * an administrator: it never carries the auth token.
 */

export interface TSmsGatewayConfig {
  apiUrl: string;
  accountSid: string;
  authToken: string;
  fromNumber: string;
}

export type TSmsFailure = 'unreachable' | 'timeout' | 'credentials' | 'refused' | 'gateway_error';

export class SmsSendError extends Error {
  constructor(
    readonly reason: TSmsFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

/** A gateway that holds the request longer than this is treated as down. */
export const SMS_TIMEOUT_MS = 10_000;
/** Enough of an answer to read an id or an error; a larger one is not what we asked for. */
const MAX_ANSWER_CHARS = 64 * 1024;

export function messagesUrl(config: Pick<TSmsGatewayConfig, 'apiUrl' | 'accountSid'>): string {
  return `${config.apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
}

/** The gateway's words, cut short, with the token and the Basic credentials blanked out. */
function scrub(text: string, config: TSmsGatewayConfig): string {
  const basic = Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64');
  let out = text.slice(0, 300);
  for (const secret of [config.authToken, basic]) if (secret) out = out.split(secret).join('[hidden]');
  return out.replace(/\s+/g, ' ').trim();
}

function gatewayWords(body: string): { message: string | null; code: string | null; sid: string | null } {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    return {
      message: typeof json.message === 'string' ? json.message : null,
      code: typeof json.code === 'number' || typeof json.code === 'string' ? String(json.code) : null,
      sid: typeof json.sid === 'string' ? json.sid : null,
    };
  } catch {
    return { message: null, code: null, sid: null };
  }
}

/** Sends `body` to `to` (E.164); resolves with the gateway's message id, if it gave one. */
export async function sendSms(
  config: TSmsGatewayConfig,
  message: { to: string; body: string },
  opts: { timeoutMs?: number } = {},
): Promise<{ messageId: string | null }> {
  let res: Response;
  try {
    res = await fetch(messagesUrl(config), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ To: message.to, From: config.fromNumber, Body: message.body }).toString(),
      // Credentials go to the configured address only, never on to wherever it redirects.
      redirect: 'error',
      signal: AbortSignal.timeout(opts.timeoutMs ?? SMS_TIMEOUT_MS),
    });
  } catch (err) {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      throw new SmsSendError('timeout', 'The SMS gateway did not answer in time.');
    }
    throw new SmsSendError('unreachable', 'The SMS gateway could not be reached. Check its address.');
  }
  let text = '';
  try {
    text = (await res.text()).slice(0, MAX_ANSWER_CHARS);
  } catch {
    // The status alone still says whether it was accepted.
  }
  const words = gatewayWords(text);
  if (res.ok) return { messageId: words.sid };
  const said = words.message ? `: ${scrub(words.message, config).replace(/[.\s]+$/, '')}${words.code ? ` (code ${scrub(words.code, config)})` : ''}` : '';
  if (res.status === 401 || res.status === 403) {
    throw new SmsSendError('credentials', `The SMS gateway refused the account SID or auth token (HTTP ${res.status})${said}.`);
  }
  if (res.status >= 400 && res.status < 500) {
    throw new SmsSendError('refused', `The SMS gateway refused the message (HTTP ${res.status})${said}.`);
  }
  throw new SmsSendError('gateway_error', `The SMS gateway answered with an error (HTTP ${res.status})${said}.`);
}
