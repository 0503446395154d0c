import type { ServiceContext } from '../core/context';
import { hasTotp, remainingRecoveryCodes } from './totp';
import { hasWebauthn } from './webauthn/store';
import { smsTargetFor } from './sms/sms-target';

/**
 * The second factors a sign-in may use (seed 002's table). Each method module answers
 * whether a user has it; an empty list means no second factor is needed.
 */
export type TSecondFactorMethod = 'totp' | 'webauthn' | 'sms' | 'recovery';

export async function secondFactorMethods(ctx: ServiceContext, userId: number): Promise<TSecondFactorMethod[]> {
  const methods: TSecondFactorMethod[] = [];
  if (await hasTotp(ctx, userId)) methods.push('totp');
  if (await hasWebauthn(ctx, userId)) methods.push('webauthn');
  // Seed 003: once two-factor is on, a code by text message is an alternative, when the
  // user has a cell phone and their provider an SMS gateway. Never a factor on its own.
  if (methods.length > 0 && await smsTargetFor(ctx, userId)) methods.push('sms');
  // Recovery codes only stand in for a factor the user has; alone they are not a factor.
  if (methods.length > 0 && await remainingRecoveryCodes(ctx, userId) > 0) methods.push('recovery');
  return methods;
}

/** Whether the user has set up any second factor (what "two-factor is on" means). */
export async function hasSecondFactor(ctx: ServiceContext, userId: number): Promise<boolean> {
  return (await secondFactorMethods(ctx, userId)).some((m) => m !== 'recovery');
}
