import type { AddressObject, Attachment, ParsedMail, SimpleParserOptions } from 'mailparser';
import { loadOnFirstUse } from '../core/load-on-first-use';
import { decodeText } from './charset-decode';
import { charsetOptions, installCharsetHook } from './mime-charsets';

// mailparser loads with the first message to parse, not at start.
const loadMailparser = loadOnFirstUse(async () => {
  const lib = await import('mailparser');
  installCharsetHook(lib.MailParser);
  return lib;
});

/**
 * The facts of a message that intake decides on; encodings are decoded by mailparser,
 * charsets as ./charset-decode.ts says (./mime-charsets.ts hooks it in).
 */
export interface TMail {
  from: { address: string; name: string } | null;
  subject: string;
  date: Date | null;
  messageId: string | null;
  /** In-Reply-To first, then References newest first: the likeliest parent comes first. */
  parents: string[];
  headers: ParsedMail['headers'];
  /** Every header name present, lower-case (mailparser folds some, such as List-*, into objects). */
  headerNames: Set<string>;
  text: string | null;
  html: string | null;
  /** Content-IDs the whole HTML body shows (<img src="cid:…">), quoted part included. */
  htmlCids: string[];
  attachments: Attachment[];
}

function firstAddress(a: AddressObject | AddressObject[] | undefined): TMail['from'] {
  const list = Array.isArray(a) ? a.flatMap((x) => x.value) : (a?.value ?? []);
  const first = list.find((v) => v.address);
  return first ? { address: first.address!.trim().toLowerCase(), name: (first.name ?? '').trim() } : null;
}

const idsOf = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v ? v.split(/\s+/) : []).map((s) => s.trim()).filter(Boolean);

const CID_SRC = /\bsrc\s*=\s*["']?\s*cid:([^"'\s>]+)/gi;

/**
 * A multipart message whose body has no boundary line has no parts at all: its body is
 * the text (the original keeps the rest).
 */
function bodyWithoutParts(raw: Buffer, m: ParsedMail): string | undefined {
  const ct = m.headers.get('content-type') as { value?: string } | undefined;
  if (!/^multipart\//i.test(ct?.value ?? '') || m.text !== undefined || typeof m.html === 'string' || m.attachments.length) return undefined;
  const head = raw.indexOf('\r\n\r\n');
  const headLf = raw.indexOf('\n\n');
  const start = head !== -1 && (headLf === -1 || head < headLf) ? head + 4 : headLf !== -1 ? headLf + 2 : raw.length;
  return decodeText(raw.subarray(start)).replace(/\r\n?/g, '\n');
}

export async function parseMail(raw: Buffer): Promise<TMail> {
  // Our own conversions: keep cid: links (not data: URIs) and delivery reports as parts.
  const options = { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, keepCidLinks: true, keepDeliveryStatus: true };
  const { simpleParser } = await loadMailparser();
  let m = await simpleParser(raw, { ...options, ...charsetOptions(raw) } as SimpleParserOptions);
  // A part labelled UTF-8 (or nothing) whose bytes are not: read again, checking each part.
  if (m.text?.includes('\uFFFD') || (typeof m.html === 'string' && m.html.includes('\uFFFD'))) {
    m = await simpleParser(raw, { ...options, ...charsetOptions(raw, true) } as SimpleParserOptions);
  }
  const html = typeof m.html === 'string' ? m.html : null;
  return {
    from: firstAddress(m.from),
    subject: (m.subject ?? '').replace(/[\r\n\t]+/g, ' ').trim(),
    date: m.date ?? null,
    messageId: m.messageId ?? null,
    parents: [...idsOf(m.inReplyTo), ...idsOf(m.references).reverse()],
    headers: m.headers,
    headerNames: new Set(m.headerLines.map((h) => h.key.toLowerCase())),
    text: m.text ?? bodyWithoutParts(raw, m) ?? null,
    html,
    htmlCids: html ? [...html.matchAll(CID_SRC)].map((c) => c[1]!.replace(/^<|>$/g, '')) : [],
    attachments: m.attachments,
  };
}

/** A header as one string (structured values are flattened to their value). */
export function headerText(mail: Pick<TMail, 'headers'>, name: string): string | null {
  const v = mail.headers.get(name);
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(String).join(', ');
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && 'value' in v) return typeof v.value === 'string' ? v.value : String((v as AddressObject).text ?? '');
  return String(v);
}
