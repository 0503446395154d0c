import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { TDb } from '../../db/client';
import { paymentGateways } from '../../db/schema/payments';
import { providers } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import { requireRecentAuth } from '../auth/reauthenticate';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { loadOnFirstUse } from '../core/load-on-first-use';
import { requireStaffAdmin } from '../core/permissions';
import { open, seal } from '../core/secret-box';
import { unitOfWork } from '../core/unit-of-work';
import type { TPaymentGateway } from './gateway';

// The `stripe` package loads with the first gateway a request needs, not at start.
const loadStripeGateway = loadOnFirstUse(() => import('./stripe-gateway'));

/*
 * The provider's card gateway settings (Stripe keys) and the one place that builds a gateway
 * for a provider. Secrets are sealed with SECRET_KEY and never leave the server again: the
 * settings page only learns whether each is set and the last 4 of the secret key.
 */

/** A blank secret field means "keep the one saved". */
const keepIfBlank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

export const ZGatewaySettingsInput = z.object({
  publishableKey: z.string('Enter the publishable key.').trim().regex(/^pk_(test|live)_[A-Za-z0-9]{8,}$/, 'Use the publishable key from Stripe (it starts with pk_live_ or pk_test_).'),
  secretKey: z
    .string('Enter the secret key.')
    .max(300, 'That is too long for a Stripe key.')
    .optional()
    .transform(keepIfBlank)
    .refine((v) => v === undefined || /^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/.test(v), 'Use the secret key from Stripe (it starts with sk_live_, sk_test_ or rk_).'),
  webhookSecret: z
    .string('Enter the webhook signing secret.')
    .max(300, 'That is too long for a Stripe key.')
    .optional()
    .transform(keepIfBlank)
    .refine((v) => v === undefined || /^whsec_[A-Za-z0-9_+/=-]{8,}$/.test(v), 'Use the signing secret of the webhook endpoint (it starts with whsec_).'),
  allowPartial: z.boolean('Partial payments must be on or off.'),
  enabled: z.boolean('Card payments must be on or off.'),
});
export type TGatewaySettingsInput = z.input<typeof ZGatewaySettingsInput>;

/** What the staff settings page shows: never a secret, only whether it is set. */
export interface TGatewaySettingsView {
  configured: boolean;
  kind: 'stripe';
  publishableKey: string;
  secretKeySet: boolean;
  /** Last 4 characters of the secret key, so staff can tell which key is in use. */
  secretKeyLast4: string | null;
  webhookSecretSet: boolean;
  allowPartial: boolean;
  enabled: boolean;
  /** The URL to enter as the webhook endpoint in the Stripe dashboard. */
  webhookUrl: string;
  updatedAt: Date | null;
}

/** The webhook endpoint of a provider (by its identifier): the URL staff paste into Stripe. */
export const webhookPath = (providerIdentifier: string) => `/webhooks/stripe/${encodeURIComponent(providerIdentifier)}`;

/** Staff admins: the provider's card payment settings, without secrets. */
export async function getGatewaySettings(ctx: ServiceContext): Promise<TGatewaySettingsView> {
  const admin = requireStaffAdmin(ctx.actor);
  const provider = (await ctx.db.select({ identifier: providers.identifier }).from(providers).where(eq(providers.id, admin.providerId)))[0];
  if (!provider) throw new AppError('NOT_FOUND', 'Provider not found.');
  const row = (await ctx.db.select().from(paymentGateways).where(eq(paymentGateways.providerId, admin.providerId)))[0];
  const webhookUrl = new URL(webhookPath(provider.identifier), ctx.settings.publicUrl).toString();
  if (!row) {
    return { configured: false, kind: 'stripe', publishableKey: '', secretKeySet: false, secretKeyLast4: null, webhookSecretSet: false, allowPartial: false, enabled: false, webhookUrl, updatedAt: null };
  }
  const secret = Buffer.from(open(ctx.settings.secretKey, row.sealedSecretKey)).toString('utf8');
  return {
    configured: true,
    kind: row.kind,
    publishableKey: row.publishableKey,
    secretKeySet: true,
    secretKeyLast4: secret.slice(-4),
    webhookSecretSet: true,
    allowPartial: row.allowPartial,
    enabled: row.enabled,
    webhookUrl,
    updatedAt: row.updatedAt,
  };
}

/**
 * Staff admins save the Stripe keys (with their password entered in the last 5 minutes: a
 * changed key redirects the provider's money). The first save needs both secrets; later
 * saves keep a secret left blank. Audited (which fields changed, never their values).
 */
export async function updateGatewaySettings(ctx: ServiceContext, input: unknown, meta: { ip: string | null; session: { reauthenticatedAt: Date | null } }): Promise<TGatewaySettingsView> {
  const admin = requireStaffAdmin(ctx.actor);
  const data = ZGatewaySettingsInput.parse(input);
  requireRecentAuth(ctx, meta.session);
  const ip = meta.ip;
  const now = ctx.clock.now();
  await unitOfWork(ctx, async (tx) => {
    const row = (await tx.select().from(paymentGateways).where(eq(paymentGateways.providerId, admin.providerId)))[0];
    if (!row && !data.secretKey) throw new AppError('BAD_INPUT', 'Enter the secret key.', { field: 'secretKey' });
    if (!row && !data.webhookSecret) throw new AppError('BAD_INPUT', 'Enter the webhook signing secret.', { field: 'webhookSecret' });
    const sealedSecretKey = data.secretKey ? seal(ctx.settings.secretKey, Buffer.from(data.secretKey)) : row!.sealedSecretKey;
    const sealedWebhookSecret = data.webhookSecret ? seal(ctx.settings.secretKey, Buffer.from(data.webhookSecret)) : row!.sealedWebhookSecret;
    const values = {
      publishableKey: data.publishableKey,
      sealedSecretKey,
      sealedWebhookSecret,
      allowPartial: data.allowPartial,
      enabled: data.enabled,
      updatedByStaffId: admin.staffId,
      updatedAt: now,
    };
    if (row) (await tx.update(paymentGateways).set(values).where(eq(paymentGateways.providerId, admin.providerId)));
    else (await tx.insert(paymentGateways).values({ providerId: admin.providerId, kind: 'stripe', createdAt: now, ...values }));
    await recordAudit(tx, now, {
      kind: 'payment_settings_changed',
      providerId: admin.providerId,
      actorUserId: admin.userId,
      ip,
      detail: {
        gateway: 'stripe',
        created: !row,
        publishableKeyChanged: row ? row.publishableKey !== data.publishableKey : true,
        secretKeyChanged: Boolean(data.secretKey),
        webhookSecretChanged: Boolean(data.webhookSecret),
        allowPartial: data.allowPartial,
        enabled: data.enabled,
      },
    });
  });
  invalidateGateway(ctx.db, admin.providerId);
  return await getGatewaySettings(ctx);
}

/* ---------------------------------------------------------------------------------------- */

type TCached = { stamp: number; gateway: TPaymentGateway };
/** Per database (tests run several portals in one process), per provider. */
const cache = new WeakMap<TDb, Map<number, TCached>>();

function invalidateGateway(db: TDb, providerId: number): void {
  cache.get(db)?.delete(providerId);
}

/**
 * The provider's gateway, or null when none is configured or it is turned off (then no Pay
 * Now button, no auto-pay). `includeDisabled` is for what must still work after staff turn
 * card payments off: webhooks for payments already made, and refunds.
 */
export async function gatewayFor(ctx: ServiceContext, providerId: number, opts: { includeDisabled?: boolean } = {}): Promise<TPaymentGateway | null> {
  const row = (await ctx.db.select().from(paymentGateways).where(eq(paymentGateways.providerId, providerId)))[0];
  if (!row || (!row.enabled && !opts.includeDisabled)) return null;
  let perDb = cache.get(ctx.db);
  if (!perDb) cache.set(ctx.db, (perDb = new Map()));
  const hit = perDb.get(providerId);
  // The stamp also catches a save made by another process on the same database.
  if (hit && hit.stamp === row.updatedAt.getTime()) return hit.gateway;
  const text = (sealed: string) => Buffer.from(open(ctx.settings.secretKey, sealed)).toString('utf8');
  const { createStripeGateway } = await loadStripeGateway();
  const gateway = createStripeGateway({
    secretKey: text(row.sealedSecretKey),
    publishableKey: row.publishableKey,
    webhookSecret: text(row.sealedWebhookSecret),
    ...(ctx.settings.PAYMENT_GATEWAY_API_URL ? { apiUrl: ctx.settings.PAYMENT_GATEWAY_API_URL } : {}),
  });
  perDb.set(providerId, { stamp: row.updatedAt.getTime(), gateway });
  return gateway;
}

/** What contacts' pages need to know (no keys): whether Pay Now is offered, and partial payments. */
export async function cardPaymentOptions(db: TDb, providerId: number): Promise<{ enabled: boolean; allowPartial: boolean }> {
  const row = (await db
    .select({ enabled: paymentGateways.enabled, allowPartial: paymentGateways.allowPartial })
    .from(paymentGateways)
    .where(eq(paymentGateways.providerId, providerId)))[0];
  return row ? { enabled: row.enabled, allowPartial: row.allowPartial } : { enabled: false, allowPartial: false };
}
