import { eq } from 'drizzle-orm';
import { providers } from '../../../db/schema/people';
import { smsGateways, type TSmsGateway } from '../../../db/schema/sms';
import { recordAudit } from '../../audit/record-audit';
import { AppError } from '../../core/app-error';
import type { ServiceContext } from '../../core/context';
import { requireStaffAdmin } from '../../core/permissions';
import { open, seal } from '../../core/secret-box';
import { unitOfWork } from '../../core/unit-of-work';
import { phoneEnding, toE164 } from './phone-number';
import { ZSendTestSmsInput, ZSmsSettingsInput } from './schemas';
import { sendSms, SmsSendError, type TSmsGatewayConfig } from './sms-sender';

/** Twilio's API: the default a new gateway starts from. */
export const DEFAULT_SMS_API_URL = 'https://api.twilio.com';

/** A stored gateway with its token opened, ready for the sender. */
export function gatewayConfig(ctx: ServiceContext, row: TSmsGateway): TSmsGatewayConfig {
  return {
    apiUrl: row.apiUrl,
    accountSid: row.accountSid,
    authToken: new TextDecoder().decode(open(ctx.settings.secretKey, row.sealedAuthToken)),
    fromNumber: row.fromNumber,
  };
}

/** Staff admins: the provider's SMS gateway as the page shows it; the auth token only as "set". */
export async function getSmsSettings(ctx: ServiceContext) {
  const admin = requireStaffAdmin(ctx.actor);
  const row = (await ctx.db.select().from(smsGateways).where(eq(smsGateways.providerId, admin.providerId)))[0];
  return {
    configured: !!row,
    apiUrl: row?.apiUrl ?? DEFAULT_SMS_API_URL,
    accountSid: row?.accountSid ?? '',
    hasAuthToken: !!row,
    fromNumber: row?.fromNumber ?? '',
    defaultCountryCode: row?.defaultCountryCode ?? '',
    enabled: row?.enabled ?? true,
    updatedAt: row?.updatedAt ?? null,
  };
}

/** Saves the gateway; an empty auth token keeps the stored one. Audited without the token. */
export async function updateSmsSettings(ctx: ServiceContext, input: unknown, ip: string): Promise<void> {
  const admin = requireStaffAdmin(ctx.actor);
  const data = ZSmsSettingsInput.parse(input);
  const now = ctx.clock.now();
  await unitOfWork(ctx, async (tx) => {
    const existing = (await tx.select().from(smsGateways).where(eq(smsGateways.providerId, admin.providerId)))[0];
    if (!existing && !data.authToken) throw new AppError('BAD_INPUT', 'Enter the auth token.', { field: 'authToken' });
    const values = {
      apiUrl: data.apiUrl.replace(/\/+$/, ''),
      accountSid: data.accountSid,
      fromNumber: data.fromNumber,
      defaultCountryCode: data.defaultCountryCode || null,
      enabled: data.enabled,
      updatedByStaffId: admin.staffId,
      updatedAt: now,
      ...(data.authToken ? { sealedAuthToken: seal(ctx.settings.secretKey, new TextEncoder().encode(data.authToken)) } : {}),
    };
    if (existing) (await tx.update(smsGateways).set(values).where(eq(smsGateways.providerId, admin.providerId)));
    else (await tx.insert(smsGateways).values({ ...values, sealedAuthToken: values.sealedAuthToken!, providerId: admin.providerId, createdAt: now }));
    const { sealedAuthToken: _sealed, updatedByStaffId: _by, updatedAt: _at, ...shown } = values;
    await recordAudit(tx, now, {
      kind: 'sms_settings_changed',
      providerId: admin.providerId,
      actorUserId: admin.userId,
      ip,
      detail: { ...shown, authTokenChanged: !!data.authToken },
    });
  });
}

/** Removes the gateway: sign-in codes by text message are no longer offered. */
export async function removeSmsSettings(ctx: ServiceContext, ip: string): Promise<void> {
  const admin = requireStaffAdmin(ctx.actor);
  await unitOfWork(ctx, async (tx) => {
    const gone = (await tx.delete(smsGateways).where(eq(smsGateways.providerId, admin.providerId)).returning({ id: smsGateways.providerId }))[0]!;
    if (!gone) throw new AppError('NOT_FOUND', 'No SMS gateway is set up.');
    await recordAudit(tx, ctx.clock.now(), { kind: 'sms_settings_changed', providerId: admin.providerId, actorUserId: admin.userId, ip, detail: { removed: true } });
  });
}

/** "Send test message": one text through the saved gateway; the gateway's refusal is shown as it said it. */
export async function sendTestSms(ctx: ServiceContext, input: unknown, ip: string): Promise<{ ending: string }> {
  const admin = requireStaffAdmin(ctx.actor);
  const { to } = ZSendTestSmsInput.parse(input);
  const row = (await ctx.db.select().from(smsGateways).where(eq(smsGateways.providerId, admin.providerId)))[0];
  if (!row) throw new AppError('NOT_FOUND', 'Save the gateway settings first.');
  const number = toE164(to, row.defaultCountryCode);
  if (!number) throw new AppError('BAD_INPUT', 'Enter the number with its country code, such as +1 555 010 0142.', { field: 'to' });
  const provider = (await ctx.db.select({ name: providers.name }).from(providers).where(eq(providers.id, admin.providerId)))[0];
  const audit = { providerId: admin.providerId, actorUserId: admin.userId, ip };
  try {
    await sendSms(gatewayConfig(ctx, row), { to: number, body: `Test message from the ${provider?.name ?? 'client'} portal: text messages work.` });
  } catch (err) {
    const message = err instanceof SmsSendError ? err.message : 'The SMS gateway could not be used.';
    await recordAudit(ctx.db, ctx.clock.now(), { kind: 'sms_send_failed', ...audit, detail: { purpose: 'test', ending: phoneEnding(number), reason: err instanceof SmsSendError ? err.reason : 'error', message } });
    throw new AppError('TEMPORARY', message);
  }
  await recordAudit(ctx.db, ctx.clock.now(), { kind: 'sms_test_sent', ...audit, detail: { ending: phoneEnding(number) } });
  return { ending: phoneEnding(number) };
}
