import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, ne } from 'drizzle-orm';
import { checkoutSessions, gatewayCustomers, savedCards } from '../../db/schema/payments';
import { companies, contacts } from '../../db/schema/people';
import { recordAudit } from '../audit/record-audit';
import { AppError } from '../core/app-error';
import type { ServiceContext } from '../core/context';
import { requireBillingContact, requireFinanceAccess } from '../core/permissions';
import { unitOfWork, type TEmit, type TTx } from '../core/unit-of-work';
import { providerOf } from '../finance/access';
import { emitFinance } from '../finance/topics';
import { ZSavedCardId, ZSavedCardsFilter } from './autopay-schemas';
import type { TPaymentGateway } from './gateway';
import { gatewayFor } from './gateway-config';
import { requireCheckoutAllowance } from './pay-now';

/*
 * "Save Card" (seed 004 §16): the card is entered on the gateway's hosted checkout in setup
 * mode, never here. We keep the gateway's customer per company and, per saved card, its
 * payment method id with brand, last 4 and expiry. The first card saved is the default one,
 * which auto-pay charges.
 */

/** How services reach a provider's gateway; tests pass an in-memory one. */
export type TGatewayResolver = (ctx: ServiceContext, providerId: number, opts?: { includeDisabled?: boolean }) => Promise<TPaymentGateway | null>;

type TSavedCard = typeof savedCards.$inferSelect;

export function savedCardView(c: TSavedCard, today: Date) {
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth() + 1;
  return {
    id: c.id,
    brand: c.brand,
    last4: c.last4,
    expMonth: c.expMonth,
    expYear: c.expYear,
    isDefault: c.isDefault,
    /** A card is valid through the last day of its expiry month. */
    expired: c.expYear < y || (c.expYear === y && c.expMonth < m),
    createdAt: c.createdAt,
  };
}
export type TSavedCardView = Awaited<ReturnType<typeof savedCardView>>;

/** The company's cards in use, the default first, then the newest. */
export async function activeCards(db: ServiceContext['db'] | TTx, companyId: number): Promise<TSavedCard[]> {
  return (await db
    .select()
    .from(savedCards)
    .where(and(eq(savedCards.companyId, companyId), isNull(savedCards.removedAt)))
    .orderBy(desc(savedCards.isDefault), desc(savedCards.id)));
}

/** The card auto-pay charges, if the company has one. */
export async function defaultCard(db: ServiceContext['db'] | TTx, companyId: number): Promise<TSavedCard | null> {
  return (await activeCards(db, companyId)).find((c) => c.isDefault) ?? null;
}

/** Saved cards: Billing and Primary contacts see their company's; staff name a company. */
export async function listSavedCards(ctx: ServiceContext, input?: unknown): Promise<TSavedCardView[]> {
  const scope = requireFinanceAccess(ctx.actor);
  const filter = ZSavedCardsFilter.parse(input) ?? {};
  const companyId = scope.companyId ?? filter.companyId;
  if (companyId === undefined) throw new AppError('BAD_INPUT', 'Choose a company.', { field: 'companyId' });
  const company = (await ctx.db.select({ providerId: companies.providerId }).from(companies).where(eq(companies.id, companyId)))[0];
  if (!company || company.providerId !== scope.providerId) throw new AppError('NOT_FOUND', 'Company not found.');
  const now = ctx.clock.now();
  return (await activeCards(ctx.db, companyId)).map((c) => savedCardView(c, now));
}

const gatewayTrouble = (ctx: ServiceContext, err: unknown, what: string): AppError => {
  ctx.log.warn({ err }, `payment gateway call failed: ${what}`);
  return new AppError('TEMPORARY', 'The payment gateway did not answer. Try again in a minute.');
};

/**
 * The company's customer at the gateway, created at its first saved card. The idempotency key
 * is per company and the request carries only company facts, so two contacts saving a card at
 * the same moment get the same customer.
 */
async function ensureGatewayCustomer(ctx: ServiceContext, gateway: TPaymentGateway, providerId: number, companyId: number): Promise<string> {
  const known = (await ctx.db.select().from(gatewayCustomers).where(eq(gatewayCustomers.companyId, companyId)))[0];
  if (known) return known.gatewayCustomerId;
  const company = (await ctx.db.select({ name: companies.name }).from(companies).where(eq(companies.id, companyId)))[0]!;
  let created: { id: string };
  try {
    created = await gateway.createCustomer({
      name: company.name,
      email: null,
      metadata: { providerId: String(providerId), companyId: String(companyId) },
      idempotencyKey: `customer-provider-${providerId}-company-${companyId}`,
    });
  } catch (err) {
    throw gatewayTrouble(ctx, err, 'create customer');
  }
  (await ctx.db
    .insert(gatewayCustomers)
    .values({ companyId, providerId, gatewayCustomerId: created.id, createdAt: ctx.clock.now() })
    .onConflictDoNothing());
  return (await ctx.db.select().from(gatewayCustomers).where(eq(gatewayCustomers.companyId, companyId)))[0]!.gatewayCustomerId;
}

/** Where the hosted page sends the contact back to. */
const autopayPage = (ctx: ServiceContext, notice: 'saved' | 'cancelled') => `${ctx.settings.publicUrl}/finance/autopay?card=${notice}`;

/**
 * "Save Card": a hosted checkout in setup mode for the company's gateway customer. Returns
 * its URL; the card is stored when the gateway's signed webhook says the setup completed.
 */
export async function startSaveCard(ctx: ServiceContext, resolve: TGatewayResolver = gatewayFor): Promise<{ url: string }> {
  const scope = requireBillingContact(ctx.actor);
  const gateway = await resolve(ctx, scope.providerId);
  if (!gateway) throw new AppError('CONFLICT', 'Card payments are not available. Ask your provider to turn them on.');
  await requireCheckoutAllowance(ctx);
  const customerId = await ensureGatewayCustomer(ctx, gateway, scope.providerId, scope.contact.companyId);
  const metadata = {
    purpose: 'save_card',
    providerId: String(scope.providerId),
    companyId: String(scope.contact.companyId),
    contactId: String(scope.contact.contactId),
  };
  let session: { id: string; url: string };
  try {
    session = await gateway.createCheckout({
      mode: 'setup',
      customerId,
      currency: (await providerOf(ctx.db, scope.providerId)).currency,
      metadata,
      successUrl: autopayPage(ctx, 'saved'),
      cancelUrl: autopayPage(ctx, 'cancelled'),
      // Every click is a new hosted page; the key only guards this one request's network retries.
      idempotencyKey: `save-card-${randomUUID()}`,
    });
  } catch (err) {
    throw gatewayTrouble(ctx, err, 'create setup checkout');
  }
  const now = ctx.clock.now();
  await unitOfWork(ctx, async (tx) => {
    (await tx.insert(checkoutSessions)
      .values({ providerId: scope.providerId, companyId: scope.contact.companyId, contactId: scope.contact.contactId, mode: 'setup', gatewaySessionId: session.id, createdAt: now }));
    await recordAudit(tx, now, { kind: 'checkout_started', providerId: scope.providerId, userId: scope.contact.userId, detail: { mode: 'setup', companyId: scope.contact.companyId } });
  });
  return { url: session.url };
}

const emitCards = (emit: TEmit, providerId: number, companyId: number, cardId: number) =>
  emitFinance(emit, { providerId, companyId }, 'card.changed', { cardId }, true);

const userOfContact = async (tx: TTx, contactId: number | null) =>
  contactId === null ? null : ((await tx.select({ userId: contacts.userId }).from(contacts).where(eq(contacts.id, contactId)))[0]?.userId ?? null);

/**
 * The webhook's `checkout.session.completed` in setup mode (a system call): stores the card
 * the setup intent saved. Unknown sessions are ignored; a replay finds the card already there.
 * `claim` runs first inside the transaction (the dispatcher records the event id there).
 */
export async function handleSetupCompleted(
  ctx: ServiceContext,
  gateway: TPaymentGateway,
  input: { providerId: number; gatewaySessionId: string; setupIntentId: string | null; claim?: (tx: TTx) => Promise<boolean> },
): Promise<{ cardId: number } | null> {
  const session = (await ctx.db
    .select()
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.gatewaySessionId, input.gatewaySessionId), eq(checkoutSessions.providerId, input.providerId), eq(checkoutSessions.mode, 'setup'))))[0];
  if (!session) return null;
  const setupIntentId = input.setupIntentId ?? (await gateway.retrieveCheckout(input.gatewaySessionId)).setupIntentId;
  if (!setupIntentId) return null;
  const pm = await gateway.paymentMethodOfSetupIntent(setupIntentId);
  const now = ctx.clock.now();
  return await unitOfWork(ctx, async (tx, emit) => {
    if (input.claim && !(await input.claim(tx))) return null;
    (await tx.update(checkoutSessions).set({ status: 'complete', completedAt: now }).where(eq(checkoutSessions.id, session.id)));
    const existing = (await tx.select().from(savedCards).where(eq(savedCards.gatewayPaymentMethodId, pm.id)))[0];
    if (existing) return { cardId: existing.id };
    const isDefault = !await defaultCard(tx, session.companyId);
    const card = (await tx
      .insert(savedCards)
      .values({
        providerId: session.providerId,
        companyId: session.companyId,
        gatewayPaymentMethodId: pm.id,
        brand: pm.card.brand,
        last4: pm.card.last4,
        expMonth: pm.card.expMonth,
        expYear: pm.card.expYear,
        isDefault,
        addedByContactId: session.contactId,
        createdAt: now,
      })
      .returning())[0]!;
    await recordAudit(tx, now, {
      kind: 'card_saved',
      providerId: session.providerId,
      userId: await userOfContact(tx, session.contactId),
      detail: { companyId: session.companyId, cardId: card.id, brand: card.brand, last4: card.last4, isDefault },
    });
    emitCards(emit, session.providerId, session.companyId, card.id);
    return { cardId: card.id };
  });
}

async function loadCard(db: ServiceContext['db'] | TTx, companyId: number, cardId: number): Promise<TSavedCard> {
  const card = (await db
    .select()
    .from(savedCards)
    .where(and(eq(savedCards.id, cardId), eq(savedCards.companyId, companyId), isNull(savedCards.removedAt))))[0];
  if (!card) throw new AppError('NOT_FOUND', 'Saved card not found.');
  return card;
}

/** The gateway says the card is gone already: removing it here is then all that is left. */
const alreadyDetached = (err: unknown) => /not attached|no such payment_?method/i.test(err instanceof Error ? err.message : String(err));

/**
 * "Remove": detaches the card at the gateway (so it can never be charged again), then marks it
 * removed; if it was the default, the newest other card becomes the default.
 */
export async function removeSavedCard(ctx: ServiceContext, input: unknown, resolve: TGatewayResolver = gatewayFor): Promise<TSavedCardView[]> {
  const scope = requireBillingContact(ctx.actor);
  const { cardId } = ZSavedCardId.parse(input);
  const companyId = scope.contact.companyId;
  const card = await loadCard(ctx.db, companyId, cardId);
  // Even with card payments turned off, a card the client removes must leave the gateway too.
  const gateway = await resolve(ctx, scope.providerId, { includeDisabled: true });
  if (gateway) {
    try {
      await gateway.detachPaymentMethod(card.gatewayPaymentMethodId);
    } catch (err) {
      if (!alreadyDetached(err)) throw gatewayTrouble(ctx, err, 'detach payment method');
    }
  }
  const now = ctx.clock.now();
  await unitOfWork(ctx, async (tx, emit) => {
    const removed = (await tx
      .update(savedCards)
      .set({ removedAt: now, isDefault: false })
      .where(and(eq(savedCards.id, card.id), isNull(savedCards.removedAt)))
      .returning())[0]!;
    if (!removed) return; // removed by a concurrent call
    let promoted: number | null = null;
    if (card.isDefault) {
      const next = (await tx
        .select()
        .from(savedCards)
        .where(and(eq(savedCards.companyId, companyId), isNull(savedCards.removedAt), ne(savedCards.id, card.id)))
        .orderBy(desc(savedCards.id))
        .limit(1))[0];
      if (next) {
        (await tx.update(savedCards).set({ isDefault: true }).where(eq(savedCards.id, next.id)));
        promoted = next.id;
      }
    }
    await recordAudit(tx, now, {
      kind: 'card_removed',
      providerId: scope.providerId,
      userId: scope.contact.userId,
      detail: { companyId, cardId: card.id, brand: card.brand, last4: card.last4, newDefaultCardId: promoted },
    });
    emitCards(emit, scope.providerId, companyId, card.id);
  });
  return await listSavedCards(ctx);
}

/** "Make default": the card auto-pay charges from now on. */
export async function setDefaultCard(ctx: ServiceContext, input: unknown): Promise<TSavedCardView[]> {
  const scope = requireBillingContact(ctx.actor);
  const { cardId } = ZSavedCardId.parse(input);
  const companyId = scope.contact.companyId;
  const now = ctx.clock.now();
  await unitOfWork(ctx, async (tx, emit) => {
    const card = await loadCard(tx, companyId, cardId);
    if (card.isDefault) return;
    (await tx.update(savedCards).set({ isDefault: false }).where(and(eq(savedCards.companyId, companyId), eq(savedCards.isDefault, true))));
    (await tx.update(savedCards).set({ isDefault: true }).where(eq(savedCards.id, card.id)));
    await recordAudit(tx, now, {
      kind: 'card_default_changed',
      providerId: scope.providerId,
      userId: scope.contact.userId,
      detail: { companyId, cardId: card.id, brand: card.brand, last4: card.last4 },
    });
    emitCards(emit, scope.providerId, companyId, card.id);
  });
  return await listSavedCards(ctx);
}
