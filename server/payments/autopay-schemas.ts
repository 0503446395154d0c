import { z } from 'zod';

/* Inputs of saved cards and auto-pay (seed 004 §16), shared by the services and the tRPC router. */

const id = (what: string) => z.number(`Choose ${what}.`).int(`Choose ${what}.`).positive(`Choose ${what}.`);

export const ZSavedCardId = z.object({ cardId: id('a saved card') });
export type TSavedCardId = z.input<typeof ZSavedCardId>;

/** Staff name the company whose cards they look at; contacts always see their own. */
export const ZSavedCardsFilter = z.object({ companyId: id('a company').optional() }).optional();

export const ZSetAutoPayInput = z.object({
  recurringId: id('a recurring invoice'),
  autoPay: z.boolean('Auto Pay must be on or off.'),
});
export type TSetAutoPayInput = z.input<typeof ZSetAutoPayInput>;
