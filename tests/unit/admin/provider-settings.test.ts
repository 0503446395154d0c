import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../server/seed/demo-people';
import { eq } from 'drizzle-orm';
import { auditEvents } from '../../../db/schema/audit';
import { getMailSenderSettings, updateMailSenderSettings } from '../../../server/admin/mail-sender-settings';
import { getProviderSettings, logoPath, setProviderLogo, updateProviderSettings } from '../../../server/admin/provider-settings';
import { system } from '../../../server/core/actor';
import { withActor, type ServiceContext } from '../../../server/core/context';
import { createProvider } from '../../../server/people/create-provider';
import { asDemoUser } from '../../helpers/demo-actors';
import { freshContext } from '../../helpers/fresh-context';

let base: ServiceContext;
let cleanup: () => Promise<void> | void;
beforeAll(async () => {
  ({ ctx: base, cleanup } = await freshContext());
  await seedDemo(base);
  await createProvider(withActor(base, system), { name: 'Other MSP', identifier: 'other-msp' });
});
afterAll(() => cleanup());

describe('provider settings', () => {
  it('lets an admin rename, change identifier and currency, and refuses a taken identifier', async () => {
    const admin = await asDemoUser(base, 'admin@demo-msp.test');
    await updateProviderSettings(admin, { name: 'Demo IT', identifier: 'Demo-IT', currency: 'eur', showTimeSpent: false }, '10.9.0.1');
    expect(await getProviderSettings(admin)).toMatchObject({ name: 'Demo IT', identifier: 'demo-it', currency: 'EUR', showTimeSpent: false });
    await expect(updateProviderSettings(admin, { name: 'Demo IT', identifier: 'other-msp', currency: 'EUR', showTimeSpent: true }, 'x')).rejects.toThrow('taken');
    await expect(updateProviderSettings(admin, { name: 'Demo IT', identifier: 'demo-it', currency: 'EURO', showTimeSpent: true }, 'x')).rejects.toThrow('three-letter');
    await expect(updateProviderSettings(await asDemoUser(base, 'tech@demo-msp.test'), { name: 'x', identifier: 'xx', currency: 'USD', showTimeSpent: true }, 'x')).rejects.toThrow('staff administrator');
    await expect(getProviderSettings(await asDemoUser(base, 'primary@acme-dental.test'))).rejects.toThrow('staff only');
  });

  it('stores the logo re-encoded as a PNG of at most 480×160', async () => {
    const admin = await asDemoUser(base, 'admin@demo-msp.test');
    const jpeg = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#114477' } }).jpeg().toBuffer();
    const { logoDataUrl } = await setProviderLogo(admin, { dataBase64: jpeg.toString('base64') });
    const png = Buffer.from(logoDataUrl.split(',')[1]!, 'base64');
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 320, height: 160 });
    expect((await getProviderSettings(admin)).logoDataUrl).toBe(logoDataUrl);
    const sha = (await import('node:crypto')).createHash('sha256').update(png).digest('hex');
    expect(existsSync(logoPath(base.settings.DATA_DIR, sha))).toBe(true);
    await expect(setProviderLogo(admin, { dataBase64: Buffer.from('%PDF-1.4 not an image').toString('base64') })).rejects.toThrow('JPEG, PNG');
  });

  it('incoming mail senders: hold and no trusted domains by default; admins change them, audited; domains checked', async () => {
    const admin = await asDemoUser(base, 'admin@demo-msp.test');
    expect(await getMailSenderSettings(admin)).toEqual({ noDmarc: 'hold', trustedDomains: [] });
    await updateMailSenderSettings(admin, { noDmarc: 'spf', trustedDomains: ['Legacy-Mail.example.com', 'legacy-mail.example.com'] }, '10.9.0.2');
    expect(await getMailSenderSettings(await asDemoUser(base, 'tech@demo-msp.test'))).toEqual({ noDmarc: 'spf', trustedDomains: ['legacy-mail.example.com'] });
    const audit = (await base.db.select().from(auditEvents).where(eq(auditEvents.kind, 'mail_sender_settings_changed')));
    expect(audit).toMatchObject([{ ip: '10.9.0.2', detail: { noDmarc: 'spf', trustedDomains: ['legacy-mail.example.com'] } }]);
    await expect(updateMailSenderSettings(admin, { noDmarc: 'hold', trustedDomains: ['not a domain'] })).rejects.toThrow('domain names');
    await expect(updateMailSenderSettings(admin, { noDmarc: 'trust', trustedDomains: [] })).rejects.toThrow('hold or trust SPF');
    await expect(updateMailSenderSettings(await asDemoUser(base, 'tech@demo-msp.test'), { noDmarc: 'hold', trustedDomains: [] })).rejects.toThrow('staff administrator');
    await expect(getMailSenderSettings(await asDemoUser(base, 'primary@acme-dental.test'))).rejects.toThrow('staff only');
  });
});
