import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortico, type TPortico } from '../../server/app';
import type { TDnsResolver } from '../../server/mail-intake/mail-dns';
import { loadSettings, type TSettings } from '../../server/settings';

/** Settings for a test: port 0, a fresh SQLite file in a temp dir, silent logs. */
export function testSettings(extra: Record<string, string> = {}): { settings: TSettings; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'portico-test-'));
  const settings = loadSettings(
    {
      NODE_ENV: 'test',
      PORT: '0',
      SMTP_PORT: '0',
      SMTP_HOST: '127.0.0.1',
      DATABASE_PATH: join(dir, 'portico.db'),
      DATA_DIR: join(dir, 'files'),
      LOG_LEVEL: 'silent',
      ...extra,
    },
    '/nonexistent.env',
  );
  return { settings, dir };
}

/** The real server (demo data unless SEED_DEMO=false) on port 0; `dnsResolver` serves sender authentication's DNS. */
export async function startTestServer(extra: Record<string, string> = {}, opts: { dnsResolver?: TDnsResolver } = {}): Promise<{
  portico: TPortico;
  /** The portal's own origin, which the WebSocket and mutations accept. */
  origin: string;
  stop(): Promise<void>;
}> {
  const { settings, dir } = testSettings(extra);
  const portico = await startPortico(settings, { dnsResolver: opts.dnsResolver });
  return {
    portico,
    origin: settings.publicUrl,
    async stop() {
      await portico.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
