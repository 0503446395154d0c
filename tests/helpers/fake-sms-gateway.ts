import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TSentSms {
  accountSid: string;
  to: string;
  from: string;
  body: string;
}

/**
 * A local HTTP server standing in for an SMS gateway with Twilio's Messages API shape. It
 * checks the path, HTTP Basic credentials and the form body as the real one does, records
 * what it was asked to send, and answers as Twilio does (201 with a message, 401/400 errors).
 */
export interface TFakeSmsGateway {
  /** http://127.0.0.1:<port>: the gateway address to save in the SMS settings. */
  url: string;
  accountSid: string;
  authToken: string;
  sent: TSentSms[];
  /** Every request, accepted or not, with the Authorization header it carried. */
  requests: { path: string; authorization: string | undefined; form: Record<string, string> }[];
  /** The next request gets this status and error instead of being sent. */
  failNext(status: number, message: string, code?: number): void;
  /** The next request is held without an answer (a gateway that hangs). */
  hangNext(): void;
  /** The last six-digit code texted to a number. */
  lastCode(to: string): string;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export async function startFakeSmsGateway(accountSid = 'AC00000000000000000000000000000042', authToken = 'fake-auth-token-9f3b2c'): Promise<TFakeSmsGateway> {
  let failure: { status: number; message: string; code: number } | null = null;
  let hang = false;
  const held: ServerResponse[] = [];
  const sent: TSentSms[] = [];
  const requests: TFakeSmsGateway['requests'] = [];

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const form = Object.fromEntries(new URLSearchParams(body));
      requests.push({ path: req.url ?? '', authorization: req.headers.authorization, form });
      const reply = (status: number, json: Record<string, unknown>) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (hang) {
        hang = false;
        held.push(res);
        return;
      }
      if (failure) {
        const f = failure;
        failure = null;
        return reply(f.status, { code: f.code, message: f.message, more_info: 'https://example.test/errors', status: f.status });
      }
      const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
      if (req.method !== 'POST' || req.url !== path) return reply(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return reply(401, { code: 20003, message: 'Authenticate', status: 401 });
      if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
        return reply(400, { code: 20001, message: 'Expected a form-encoded body', status: 400 });
      }
      if (!form.To || !form.From || !form.Body) return reply(400, { code: 21604, message: "A 'To', 'From' and 'Body' are required", status: 400 });
      if (!/^\+[1-9]\d{6,14}$/.test(form.To)) return reply(400, { code: 21211, message: `The 'To' number ${form.To} is not a valid phone number.`, status: 400 });
      sent.push({ accountSid, to: form.To, from: form.From, body: form.Body });
      reply(201, { sid: `SM${String(sent.length).padStart(32, '0')}`, status: 'queued', to: form.To, from: form.From, body: form.Body });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    sent,
    requests,
    failNext(status, message, code = 30000) {
      failure = { status, message, code };
    },
    hangNext() {
      hang = true;
    },
    lastCode(to) {
      const last = [...sent].reverse().find((m) => m.to === to);
      const code = last?.body.match(/\b(\d{6})\b/)?.[1];
      if (!code) throw new Error(`no code was texted to ${to}`);
      return code;
    },
    async close() {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
