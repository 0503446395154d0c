import { createServer as createViteServer } from 'vite';
import { startPortico } from './app';
import { createLogger } from './core/logger';
import { loadSettings } from './settings';

/**
 * `npm run dev`: the same server, with Vite in middleware mode serving the client and
 * hot reload. Vite's HMR socket shares the port; only /trpc upgrades reach tRPC.
 */
const settings = loadSettings();
const log = createLogger(settings.LOG_LEVEL);
const vite = await createViteServer({
  configFile: new URL('../vite.config.ts', import.meta.url).pathname,
  server: { middlewareMode: true, hmr: { port: settings.PORT + 1 } },
  appType: 'spa',
});
const portico = await startPortico(settings, {
  log,
  dev: { fallback: (req, res) => vite.middlewares(req, res) },
});
console.log(`\n  Portico (dev, hot reload): ${settings.publicUrl}  · HMR on port ${settings.PORT + 1}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void Promise.all([portico.stop(), vite.close()]).then(() => process.exit(0));
  });
}
