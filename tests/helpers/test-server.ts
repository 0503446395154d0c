import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortico, type TPortico } from '../../server/app';
import type { TDnsResolver } from '../../server/mail-intake/mail-dns';
import { loadSettings, type TSettings } from '../../server/settings';
import { testDatabase } from './test-database';

/** Settings for a test: port 0, a fresh database (file or server) and files folder, silent logs. */
export async function testSettings(extra: Record<string, string> = {}): Promise<{ settings: TSettings; dir: string; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-test-'));
  const database = await testDatabase(dir);
  const settings = loadSettings(
    {
      NODE_ENV: 'test',
      PORT: '0',
      SMTP_PORT: '0',
      SMTP_HOST: '127.0.0.1',
      ...database.env,
      DATA_DIR: join(dir, 'files'),
      LOG_LEVEL: 'silent',
      // Teardown need not wait long for work a test left in flight.
      SHUTDOWN_TIMEOUT_MS: '1000',
      ...extra,
    },
    '/nonexistent.env',
  );
  return {
    settings,
    dir,
    async cleanup() {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The real server (demo data unless SEED_DEMO=false) on port 0; `dnsResolver` serves sender authentication's DNS. */
export async function startTestServer(extra: Record<string, string> = {}, opts: { dnsResolver?: TDnsResolver } = {}): Promise<{
  portico: TPortico;
  /** The portal's own origin, which the WebSocket and mutations accept. */
  origin: string;
  stop(): Promise<void>;
}> {
  const test = await testSettings(extra);
  const portico = await startPortico(test.settings, { dnsResolver: opts.dnsResolver });
  return {
    portico,
    origin: test.settings.publicUrl,
    async stop() {
      await portico.stop();
      await test.cleanup();
    },
  };
}
