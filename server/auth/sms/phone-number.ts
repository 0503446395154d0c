/** E.164: a plus, a country code and at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A cell phone as people type it ("(555) 010-0142", "+44 7700 900042", "0044 …") in the
 * E.164 form an SMS gateway wants, or null when it cannot be one. Numbers without a country
 * code take the gateway's default one, dropping a national trunk 0 ("07700…" → "+447700…").
 */
export function toE164(raw: string, defaultCountryCode: string | null): string | null {
  const trimmed = raw.trim();
  if (!/^[0-9+().\s-]+$/.test(trimmed)) return null;
  let digits = trimmed.replace(/[^0-9+]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  if (!digits.startsWith('+')) {
    if (!defaultCountryCode) return null;
    digits = `${defaultCountryCode}${digits.replace(/^0+/, '')}`;
  }
  return E164.test(digits) ? digits : null;
}

/** What the screen shows of a number: its last two digits ("ending in 42"). */
export function phoneEnding(e164: string): string {
  return e164.slice(-2);
}
