/* Pure: shared by services, mails and the client, so a card reads the same everywhere. */

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
  cartes_bancaires: 'Cartes Bancaires',
  eftpos_au: 'eftpos',
  interac: 'Interac',
};

/** "visa" → "Visa"; an unknown brand as given. */
export const cardBrandName = (brand: string) => BRANDS[brand.toLowerCase()] ?? (brand ? brand[0]!.toUpperCase() + brand.slice(1) : 'Card');

/** "Visa •••• 4242" (what the payment history and the receipt show). */
export const cardLabel = (brand: string, last4: string) => `${cardBrandName(brand)} •••• ${last4}`;
