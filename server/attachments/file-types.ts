import { AppError } from '../core/app-error';
import type { TAttachmentKind } from '../settings';

/*
 * An upload's type comes from its content (magic bytes) AND its extension, both of which
 * must agree with one allowed kind. The browser's Content-Type is never consulted: it is
 * whatever the sender says. SVG and HTML are no kind at all, since they can carry script.
 */

type TKind = { extensions: readonly string[]; mimeType: string; matches: (head: Buffer) => boolean };

const startsWith = (head: Buffer, ...bytes: number[]) => bytes.every((b, i) => head[i] === b);
const ascii = (head: Buffer, offset: number, text: string) => head.subarray(offset, offset + text.length).toString('latin1') === text;
const zip = (head: Buffer) => startsWith(head, 0x50, 0x4b, 0x03, 0x04) || startsWith(head, 0x50, 0x4b, 0x05, 0x06);

/** Plain text: no NUL or odd control bytes, and nothing a browser could take for markup. */
function isPlainText(head: Buffer): boolean {
  for (const b of head) if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b)) return false;
  return !looksLikeMarkup(head);
}

/** HTML, SVG or XML at the start (after a BOM and white space). */
export function looksLikeMarkup(head: Buffer): boolean {
  const start = head.subarray(0, 512).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return /^<(!doctype|html|head|body|script|svg|\?xml|iframe|!--)/.test(start);
}

const OOXML = 'application/vnd.openxmlformats-officedocument';
export const FILE_KINDS: Record<TAttachmentKind, TKind> = {
  png: { extensions: ['png'], mimeType: 'image/png', matches: (h) => startsWith(h, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) },
  jpeg: { extensions: ['jpg', 'jpeg'], mimeType: 'image/jpeg', matches: (h) => startsWith(h, 0xff, 0xd8, 0xff) },
  gif: { extensions: ['gif'], mimeType: 'image/gif', matches: (h) => ascii(h, 0, 'GIF87a') || ascii(h, 0, 'GIF89a') },
  webp: { extensions: ['webp'], mimeType: 'image/webp', matches: (h) => ascii(h, 0, 'RIFF') && ascii(h, 8, 'WEBP') },
  pdf: { extensions: ['pdf'], mimeType: 'application/pdf', matches: (h) => ascii(h, 0, '%PDF-') },
  txt: { extensions: ['txt'], mimeType: 'text/plain', matches: isPlainText },
  csv: { extensions: ['csv'], mimeType: 'text/csv', matches: isPlainText },
  log: { extensions: ['log'], mimeType: 'text/plain', matches: isPlainText },
  docx: { extensions: ['docx'], mimeType: `${OOXML}.wordprocessingml.document`, matches: zip },
  xlsx: { extensions: ['xlsx'], mimeType: `${OOXML}.spreadsheetml.sheet`, matches: zip },
  pptx: { extensions: ['pptx'], mimeType: `${OOXML}.presentationml.presentation`, matches: zip },
  zip: { extensions: ['zip'], mimeType: 'application/zip', matches: zip },
  // A mail message starts with a header line ("Received: ...", "From: ...").
  eml: { extensions: ['eml'], mimeType: 'message/rfc822', matches: (h) => isPlainText(h) && /^[A-Za-z][A-Za-z0-9-]*:[ \t]/.test(h.toString('latin1', 0, 200)) },
};

/** Bytes of the file's start that detection looks at. */
export const SNIFF_BYTES = 4096;

export const extensionOf = (filename: string) => /\.([a-z0-9]{1,10})$/i.exec(filename)?.[1]?.toLowerCase() ?? '';

/** The stored MIME type for a file, or a BAD_INPUT error with `problem: 'type'`. */
export function detectFileType(filename: string, head: Buffer, allowed: readonly TAttachmentKind[]): { kind: TAttachmentKind; mimeType: string } {
  const ext = extensionOf(filename);
  const refuse = (why: string) => new AppError('BAD_INPUT', `${filename}: ${why}`, { field: 'file', problem: 'type' });
  if (['svg', 'svgz', 'html', 'htm', 'xhtml', 'xml'].includes(ext)) throw refuse('SVG and HTML files are not accepted.');
  const kind = allowed.find((k) => FILE_KINDS[k].extensions.includes(ext));
  if (!kind) throw refuse(`this type of file is not accepted (allowed: ${allowed.join(', ')}).`);
  if (!FILE_KINDS[kind].matches(head)) throw refuse(`the content is not a .${ext} file.`);
  return { kind, mimeType: FILE_KINDS[kind].mimeType };
}
