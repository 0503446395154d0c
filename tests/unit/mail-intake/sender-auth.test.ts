import { createSocket, type Socket } from 'node:dgram';
import { eq } from 'drizzle-orm';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { inboundMessages, type TSenderAuth } from '../../../db/schema/inbound-mail';
import { commitPrepared } from '../../../server/mail-intake/commit-inbound';
import { checkSender } from '../../../server/mail-intake/sender-check';
import { freshContext } from '../../helpers/fresh-context';
import { createLogger } from '../../../server/core/logger';
import { headerFields, parseAuthResults, relayAuthResults } from '../../../server/mail-intake/auth-results';
import { createMailResolver } from '../../../server/mail-intake/mail-dns';
import { createSenderAuthenticator, finish } from '../../../server/mail-intake/sender-auth';
import { judgeSender, type TSenderPolicy } from '../../../server/mail-intake/sender-trust';
import { loadSettings, SettingsError } from '../../../server/settings';

/*
 * The parts of sender authentication that need no server: reading Authentication-Results,
 * the verdict for a set of results under each policy, the settings, and DNS that fails.
 */

const log = createLogger('silent');
const settings = (env: Record<string, string> = {}) => loadSettings({ NODE_ENV: 'test', ...env }, '/nonexistent.env');

describe('Authentication-Results', () => {
  it('reads methods, results and properties, without comments, quotes kept whole', () => {
    const parsed = parseAuthResults(
      'mx.example.net 1; spf=pass (mx.example.net: domain of a@b.test designates 192.0.2.1 as permitted sender) smtp.mailfrom=a@b.test;\r\n dkim=pass (2048-bit key; unprotected) header.d=b.test header.s=s1 header.b="ab;cd"; dmarc=fail (p=REJECT sp=NONE) policy.dmarc=reject header.from=b.test; arc/1=none',
    );
    expect(parsed).toEqual({
      authservId: 'mx.example.net',
      results: [
        { method: 'spf', result: 'pass', props: { 'smtp.mailfrom': 'a@b.test' } },
        { method: 'dkim', result: 'pass', props: { 'header.d': 'b.test', 'header.s': 's1', 'header.b': 'ab;cd' } },
        { method: 'dmarc', result: 'fail', props: { 'policy.dmarc': 'reject', 'header.from': 'b.test' } },
        { method: 'arc', result: 'none', props: {} },
      ],
    });
    expect(parseAuthResults('mx.example.net; none')).toEqual({ authservId: 'mx.example.net', results: [] });
    expect(parseAuthResults('  ')).toBeNull();
  });

  it("counts only the topmost fields with the relay's authserv-id", () => {
    const raw = Buffer.from(
      [
        'Authentication-Results: relay.test; dmarc=fail header.from=b.test',
        'Received: from mx by relay.test',
        'Authentication-Results: relay.test;',
        '  dkim=none',
        'Authentication-Results: evil.test; dmarc=pass header.from=b.test',
        'Authentication-Results: relay.test; dmarc=pass header.from=b.test',
        'From: a@b.test',
        '',
        'Authentication-Results: relay.test; in the body',
      ].join('\r\n'),
    );
    const fields = headerFields(raw);
    expect(fields.filter(([n]) => n === 'authentication-results')).toHaveLength(4);
    expect(relayAuthResults(fields, 'Relay.Test')!.map((r) => `${r.method}=${r.result}`)).toEqual(['dmarc=fail', 'dkim=none']);
    expect(relayAuthResults(fields, 'evil.test')).toBeNull();
    expect(relayAuthResults(headerFields(Buffer.from('From: a@b.test\r\n\r\nhi')), 'relay.test')).toBeNull();
  });
});

describe('the verdict', () => {
  const hold: TSenderPolicy = { noDmarc: 'hold', trustedDomains: [] };
  const spfOk: TSenderPolicy = { noDmarc: 'spf', trustedDomains: [] };
  const auth = (over: Partial<TSenderAuth>): TSenderAuth =>
    finish({ source: 'checked', by: 'portico.test', fromDomain: 'acme.test', spf: null, dkim: [], dmarc: { result: 'none', policy: null }, arc: null, error: null, ...over });
  const spfPass = { result: 'pass', domain: 'acme.test', aligned: true };
  const dkimPass = [{ result: 'pass', domain: 'mail.acme.test', aligned: true }];

  it.each([
    ['DMARC pass', auth({ dmarc: { result: 'pass', policy: 'reject' } }), hold, 'dmarc'],
    ['DMARC fail, even with an aligned SPF pass', auth({ dmarc: { result: 'fail', policy: 'none' }, spf: spfPass }), spfOk, null],
    ['no DMARC, aligned DKIM pass', auth({ dkim: dkimPass }), hold, 'dkim'],
    ['no DMARC, DKIM pass of another domain', auth({ dkim: [{ result: 'pass', domain: 'evil.test', aligned: false }] }), hold, null],
    ['no DMARC, aligned SPF pass, policy hold', auth({ spf: spfPass }), hold, null],
    ['no DMARC, aligned SPF pass, policy spf', auth({ spf: spfPass }), spfOk, 'spf'],
    ['no DMARC, SPF pass not aligned, policy spf', auth({ spf: { result: 'pass', domain: 'evil.test', aligned: false } }), spfOk, null],
    ['DMARC temperror (DNS failed)', auth({ dmarc: { result: 'temperror', policy: null }, dkim: dkimPass }), hold, null],
    ['nothing checked (no DNS)', finish({ source: 'unchecked', by: 'p', fromDomain: 'acme.test', spf: null, dkim: [], dmarc: null, arc: null, error: 'no DNS' }), spfOk, null],
    ['results about another From', auth({ fromDomain: 'other.test', dmarc: { result: 'pass', policy: 'reject' } }), hold, null],
    ['no results, trusted domain', null, { noDmarc: 'hold', trustedDomains: ['acme.test'] } as TSenderPolicy, 'trusted_domain'],
  ])('%s', (_name, a, policy, by) => {
    const check = judgeSender(a, policy, 'someone@acme.test');
    expect(check.by).toBe(by);
    expect(check.verified).toBe(by !== null);
    expect(check.reason).not.toBe('');
  });

  it('summarises the results in one line and names the aligned domain', () => {
    const a = auth({ spf: { result: 'none', domain: 'evil.test', aligned: false }, dkim: dkimPass, dmarc: { result: 'pass', policy: 'reject' } });
    expect(a.summary).toBe('SPF none (evil.test), DKIM pass (mail.acme.test), DMARC pass (acme.test)');
    expect(a.alignedDomain).toBe('mail.acme.test');
  });
});

describe('settings', () => {
  it('MAIL_DNS is off in tests unless set, system otherwise', () => {
    expect(settings().MAIL_DNS).toBe('off');
    expect(loadSettings({}, '/nonexistent.env').MAIL_DNS).toBe('system');
    expect(settings({ MAIL_DNS: '192.0.2.53, [2001:db8::53]:5353' }).MAIL_DNS).toBe('192.0.2.53, [2001:db8::53]:5353');
  });

  it.each([
    [{ MAIL_DNS: 'dns.example' }, 'MAIL_DNS:'],
    [{ MAIL_TRUSTED_RELAYS: '192.0.2.10, mx.example', MAIL_TRUSTED_AUTHSERV_ID: 'mx.example' }, 'MAIL_TRUSTED_RELAYS:'],
    [{ MAIL_TRUSTED_RELAYS: '10.0.0.0/33', MAIL_TRUSTED_AUTHSERV_ID: 'mx.example' }, 'MAIL_TRUSTED_RELAYS:'],
    [{ MAIL_TRUSTED_RELAYS: '192.0.2.10' }, 'MAIL_TRUSTED_AUTHSERV_ID:'],
  ])('refuses %o', (env, name) => {
    expect(() => settings(env)).toThrow(SettingsError);
    expect(() => settings(env)).toThrow(name);
  });
});

describe('DNS that does not answer', () => {
  let server: Socket | null = null;
  afterEach(() => {
    server?.close();
    server = null;
  });

  /** A "resolver" on loopback that receives queries and never answers. */
  async function silentResolver(): Promise<{ address: string; queries: () => number }> {
    let n = 0;
    server = createSocket('udp4');
    server.on('message', () => n++);
    await new Promise<void>((r) => server!.bind(0, '127.0.0.1', () => r()));
    return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, queries: () => n };
  }

  it('MAIL_DNS=off: no resolver, and a verdict that nothing was checked', async () => {
    const s = settings({ MAIL_DNS: 'off' });
    expect(createMailResolver(s, log)).toBeNull();
    const verdict = await createSenderAuthenticator(s, log, null).check({ raw: Buffer.from('From: a@acme.test\r\n\r\nhi'), clientIp: '192.0.2.1', clientHelo: 'x', envelopeFrom: 'a@acme.test' });
    expect(verdict).toMatchObject({ source: 'unchecked', fromDomain: 'acme.test' });
  });

  it('each lookup ends after MAIL_DNS_TIMEOUT_MS; after three unanswered ones the resolver is left alone for a while', async () => {
    const silent = await silentResolver();
    const resolve = createMailResolver(settings({ MAIL_DNS: silent.address, MAIL_DNS_TIMEOUT_MS: '150' }), log)!;
    for (let i = 0; i < 3; i++) await expect(resolve(`_dmarc.example${i}.com`, 'TXT')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    expect(silent.queries()).toBe(3);
    await expect(resolve('_dmarc.example9.com', 'TXT')).rejects.toThrow('DNS is not answering');
    expect(silent.queries()).toBe(3);
  });

  it('reserved names (.test, .example, .invalid, .localhost) are never sent to a resolver', async () => {
    const silent = await silentResolver();
    const resolve = createMailResolver(settings({ MAIL_DNS: silent.address, MAIL_DNS_TIMEOUT_MS: '150' }), log)!;
    for (const name of ['_dmarc.acme-dental.test', 'evil.example', 's._domainkey.x.invalid', 'localhost']) await expect(resolve(name, 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(silent.queries()).toBe(0);
  });

  it('a check whose lookups hang ends with a verdict that vouches for nobody, never an error', async () => {
    const hanging = () => new Promise<never>(() => {});
    const s = settings({ MAIL_DNS_TIMEOUT_MS: '100' });
    const verdict = await createSenderAuthenticator(s, log, hanging).check({ raw: Buffer.from('From: a@acme.test\r\nSubject: x\r\n\r\nhi\r\n'), clientIp: '192.0.2.1', clientHelo: 'mx.acme.test', envelopeFrom: 'a@acme.test' });
    expect(verdict).toMatchObject({ source: 'checked', alignedDomain: null, error: expect.stringContaining('took longer than 400 ms') });
    expect(judgeSender(verdict, { noDmarc: 'spf', trustedDomains: [] }, 'a@acme.test').verified).toBe(false);
  });
});

describe('the verdict is stored with the message', () => {
  it('in the commit when it is in by then, after it when it came later or the work was undone', async () => {
    const { ctx, cleanup } = await freshContext();
    try {
      let n = 0;
      const row = async () =>
        (await ctx.db
          .insert(inboundMessages)
          .values({ messageId: `v-${++n}@t.test`, contentHash: String(n).padStart(64, '0'), rawPath: 'x', rawOffset: 0, size: 1, envelopeFrom: null, envelopeTo: [], receivedAt: ctx.clock.now() })
          .returning())[0]!;
      const verdict = finish({ source: 'checked', by: 'p', fromDomain: 'acme.test', spf: null, dkim: [], dmarc: { result: 'pass', policy: 'none' }, arc: null, error: null });
      let release = () => {};
      const slow = { check: () => new Promise<TSenderAuth>((r) => (release = () => r(verdict))) };
      const fast = { check: async () => verdict };
      const stored = async (id: number) => (await ctx.db.select().from(inboundMessages).where(eq(inboundMessages.id, id)))[0]!.senderAuth;

      const cases = [
        { auth: fast, fail: false },
        { auth: slow, fail: false },
        { auth: fast, fail: true },
      ];
      for (const c of cases) {
        const r = await row();
        const run = checkSender(ctx, c.auth, r, Buffer.from('From: a@acme.test\r\n\r\nx'));
        if (c.auth === fast) await run.verdict;
        let late: Promise<void> | undefined;
        await commitPrepared(ctx, [
          {
            row: r,
            mail: null,
            files: [],
            work: () => {
              const o = run.record({ status: 'processed', flags: [] });
              if (c.fail) throw new Error('boom');
              return o;
            },
            afterCommit: (worked) => void (late = run.afterCommit(worked)),
          },
        ]);
        expect(!!late, JSON.stringify(c)).toBe(c.auth === slow || c.fail);
        if (c.auth === slow) {
          expect(await stored(r.id)).toBeNull();
          release();
        }
        await late;
        expect(await stored(r.id)).toEqual(verdict);
      }
    } finally {
      await cleanup();
    }
  });
});
