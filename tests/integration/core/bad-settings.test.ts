import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('start-up with bad settings', () => {
  it('stops before opening anything and names the variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-bad-'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, PORT: 'abc', SMTP_RELAY_URL: 'ftp://x', DATABASE_PATH: join(dir, 'p.db'), LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toContain('PORT');
    expect(run.stderr).toContain('SMTP_RELAY_URL: must start with smtp:// or smtps://');
  });
});
