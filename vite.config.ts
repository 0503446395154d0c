import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [solid()],
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: true,
    // The CSP forbids inline scripts; keep the module preload helper in a file.
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
