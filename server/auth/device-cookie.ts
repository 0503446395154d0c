/*
 * The remembered-device cookie: a random token (only its hash is stored), HttpOnly,
 * SameSite=Lax, `__Host-` and Secure on https. It proves nothing without the password.
 */
const BASE = 'portico_device';

export function deviceCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https://') ? `__Host-${BASE}` : BASE;
}

export function serializeDeviceCookie(publicUrl: string, token: string, expiresAt: Date, now: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000));
  const parts = [`${deviceCookieName(publicUrl)}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAge}`];
  if (publicUrl.startsWith('https://')) parts.push('Secure');
  return parts.join('; ');
}

export function readDeviceToken(publicUrl: string, cookieHeader: string | undefined): string | null {
  const name = deviceCookieName(publicUrl);
  for (const part of (cookieHeader ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === name && v && /^[a-z2-7]{32}$/.test(v)) return v;
  }
  return null;
}
