import { DEMO_PASSWORD } from './seed/demo-people';
import { startPortico } from './app';
import { createLogger } from './core/logger';
import { stopOnSignals } from './stop-on-signals';
import { loadSettings, SettingsError } from './settings';

let settings;
try {
  settings = loadSettings();
} catch (err) {
  if (err instanceof SettingsError) {
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  throw err;
}
const log = createLogger(settings.LOG_LEVEL);

const portico = await startPortico(settings, { log });
const lines = [
  '',
  `  Portico is running: ${settings.publicUrl}`,
  `  tRPC:  ${settings.publicUrl}/trpc  (WebSocket: ${settings.publicUrl.replace(/^http/, 'ws')}/trpc)`,
  `  SMTP:  ${settings.SMTP_HOST}:${portico.smtpPort}  (mail domain ${settings.MAIL_DOMAIN})`,
  `  Database: ${settings.DATABASE_PATH}`,
];
if (portico.demoSignIns) {
  lines.push('', `  Demo sign-ins (password "${DEMO_PASSWORD}"):`);
  for (const s of portico.demoSignIns) lines.push(`    ${s.email.padEnd(30)} ${s.role}`);
} else {
  lines.push('', `  Demo sign-ins, if this database was seeded: password "${DEMO_PASSWORD}" (see README).`);
}
console.log(lines.join('\n') + '\n');

stopOnSignals(portico, log);
