import { fileURLToPath } from 'node:url';

/*
 * Where the files that are not code live (migrations, the client build, data lists), found the
 * same way from the sources (this file, server/core/) and from the compiled server (every
 * chunk sits in dist/server/): both are two folders below the project.
 */

/** True when running the esbuild output in dist/server, false under tsx or vitest. */
export const COMPILED = !import.meta.url.endsWith('.ts');

/** The project folder (the one holding package.json). */
export const APP_ROOT = fileURLToPath(new URL('../..', import.meta.url));
