import { isRefusal, requestActor } from './request-actor';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAppError } from '../core/app-error';
import { withActor, type ServiceContext } from '../core/context';
import { renderInvoicePdf } from '../finance/invoice-pdf';

/*
 * GET /invoices/<id>.pdf: the invoice as a download. Only an adapter: the finance service
 * decides visibility. Anything the caller may not see (signed out, another company, a
 * draft, no Finance access) is a plain 404, so the route reveals nothing.
 */

export const INVOICE_PDF_PATH = /^\/invoices\/(\d{1,15})\.pdf$/;


const notFound = (res: ServerResponse): void => {
  res.writeHead(404, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify({ error: 'Not found.' }));
};

export async function handleInvoicePdf(base: ServiceContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const m = INVOICE_PDF_PATH.exec((req.url ?? '/').split('?')[0] ?? '/');
  if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) return notFound(res);
  const actor = await requestActor(base, req);
  if (isRefusal(actor)) return notFound(res);
  let pdf: { filename: string; data: Buffer };
  try {
    pdf = await renderInvoicePdf(withActor(base, actor), { invoiceId: Number(m[1]) });
  } catch (err) {
    if (isAppError(err) && err.code !== 'INTERNAL' && err.code !== 'TEMPORARY') return notFound(res);
    throw err;
  }
  res.writeHead(200, {
    'Content-Type': 'application/pdf',
    'Content-Length': pdf.data.length,
    // The filename is our own "INV-1042.pdf": ASCII, no quoting needed.
    'Content-Disposition': `attachment; filename="${pdf.filename}"`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
    'Content-Security-Policy': "default-src 'none'; sandbox",
  });
  res.end(req.method === 'HEAD' ? undefined : pdf.data);
}
