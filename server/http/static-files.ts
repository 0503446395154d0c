import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

export const NOT_FOUND_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Page not found · Portico</title></head>' +
  '<body><main><h1>Page not found</h1><p>The page you asked for does not exist.</p><p><a href="/">Go to Home</a></p></main></body></html>';

/**
 * Serves the built client. Hashed files under /assets are cached for a year; index.html
 * is revalidated each time so a new build is picked up. Paths without an extension are
 * client routes and get index.html (the client shows its own "Page not found").
 */
export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = '/';
  }
  const file = normalize(join(root, path));
  const inside = file.startsWith(root + sep) || file === root;
  const isFile = inside && existsSync(file) && statSync(file).isFile();
  if (!isFile && extname(path)) {
    res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(NOT_FOUND_HTML);
    return;
  }
  const target = isFile ? file : join(root, 'index.html');
  const hashed = path.startsWith('/assets/');
  res.writeHead(200, {
    'Content-Type': TYPES[extname(target)] ?? 'application/octet-stream',
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(target).pipe(res);
}
