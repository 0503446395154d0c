import type { IncomingMessage, ServerResponse } from 'node:http';

/*
 * Bounds on what one tRPC request may make the server read. A body declared larger than the
 * limit is refused before a byte of it is read; a chunked one is cut by tRPC's own
 * maxBodySize as it streams in, and either way the connection is closed after the 413, so
 * the rest of the body is never read.
 */

/** tRPC's error shape, so the client shows the message like any other refusal. */
function tooLargeBody(maxBytes: number): string {
  const message = `The request is too large (over ${Math.round(maxBytes / 1024)} KB).`;
  return JSON.stringify({ error: { message, code: -32013, data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } } });
}

/** False (and answered 413) when the declared body is over the limit. */
export function admitBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): boolean {
  closeAfterRefusal(req, res);
  const declared = Number(req.headers['content-length']);
  if (!(declared > maxBytes)) return true;
  res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' }).end(tooLargeBody(maxBytes));
  return false;
}

/** A 413 ends the connection: whatever the client still sends is not read. */
function closeAfterRefusal(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => {
    if (res.statusCode === 413) req.socket.destroySoon();
  });
}
