import { describe, expect, it } from 'vitest';
import { loadSettings, SettingsError } from '../../../server/settings';

const load = (env: Record<string, string>) => loadSettings(env, '/nonexistent.env');

describe('settings', () => {
  it('has working defaults', () => {
    const s = load({});
    expect(s.PORT).toBe(3000);
    expect(s.SMTP_PORT).toBe(2525);
    expect(s.DATABASE_PATH).toBe('./data/portico.db');
    expect(s.publicUrl).toBe('http://localhost:3000');
    expect(s.LOCKOUT_ATTEMPTS).toBe(7);
    expect(s.SESSION_IDLE_MINUTES).toBe(480);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['MAIL_DOMAIN', 'not a domain'],
    ['PUBLIC_URL', 'localhost:3000'],
    ['SECRET_KEY', 'short'],
  ])('refuses %s=%s and names it', (name, value) => {
    expect(() => load({ [name]: value })).toThrow(SettingsError);
    expect(() => load({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('requires SECRET_KEY in production', () => {
    expect(() => load({ NODE_ENV: 'production' })).toThrow(/SECRET_KEY/);
  });
});
