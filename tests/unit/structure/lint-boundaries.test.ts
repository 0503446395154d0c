import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/*
 * The boundaries of the README's layout, as `npm run lint` sees them: a new file that
 * crosses one fails the lint. Each case lints a small file at a path where it could be added.
 */

// The files linted here do not exist on disk, so the type-aware rules (which need the
// TypeScript project) are left out: these cases are about imports only.
const eslint = new ESLint({
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off', '@typescript-eslint/await-thenable': 'off' },
  },
});
// Loading the config and its plugins takes seconds the first time.
beforeAll(() => eslint.lintText('', { filePath: 'server/core/warm-up.ts' }), 60_000);

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => /restricted-imports/.test(m.ruleId ?? '')).map((m) => m.message);
}

const use = (spec: string, kind: 'value' | 'type' = 'value') =>
  kind === 'type' ? `import type { X } from '${spec}';\nexport type Y = X;\n` : `import { x } from '${spec}';\nexport const y = x;\n`;

describe('lint boundaries', () => {
  it.each([
    ['@trpc/server'],
    ['ws'],
    ['smtp-server'],
    ['nodemailer'],
    ['../trpc/init'],
    ['../http/request-actor'],
    ['../../mail/smtp-listener'],
  ])('a domain file may not import the transport %s', async (spec) => {
    expect(await importErrors('server/tickets/new-use-case.ts', use(spec))).not.toEqual([]);
    expect(await importErrors('server/auth/sso/new-step.ts', use(spec.startsWith('../') ? `../${spec}` : spec))).not.toEqual([]);
  });

  it('core may not import a domain, but settings, db and itself', async () => {
    expect(await importErrors('server/core/new-floor.ts', use('../auth/session'))).not.toEqual([]);
    expect(await importErrors('server/core/new-floor.ts', use('../tickets/add-reply'))).not.toEqual([]);
    expect(await importErrors('server/core/new-floor.ts', use('../settings'))).toEqual([]);
    expect(await importErrors('server/core/new-floor.ts', use('../../db/client'))).toEqual([]);
    expect(await importErrors('server/core/new-floor.ts', use('./events'))).toEqual([]);
  });

  it('adapters and the domain may import what they need', async () => {
    expect(await importErrors('server/http/new-route.ts', use('@trpc/server'))).toEqual([]);
    expect(await importErrors('server/trpc/routers/new-router.ts', use('../../tickets/add-reply'))).toEqual([]);
    expect(await importErrors('mail/new-adapter.ts', use('smtp-server'))).toEqual([]);
    expect(await importErrors('server/tickets/new-use-case.ts', use('../mail-intake/topics'))).toEqual([]);
  });

  it('the client takes types from anywhere in server/, values only from the pure modules', async () => {
    const page = 'client/src/features/tickets/new-page.tsx';
    expect(await importErrors(page, use('../../../../server/tickets/add-reply'))).not.toEqual([]);
    expect(await importErrors(page, use('../../../../server/tickets/events', 'type'))).toEqual([]);
    expect(await importErrors(page, use('../../../../server/finance/money'))).toEqual([]);
    expect(await importErrors(page, use('../../../../server/payments/card-label'))).toEqual([]);
  });
});
