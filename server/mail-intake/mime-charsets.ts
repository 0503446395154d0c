import { isUtf8 } from 'node:buffer';
import type { MailParser } from 'mailparser';
import { decodeText, MailIconv, pickCharset, UNDECLARED } from './charset-decode';

/*
 * Hooks that make mailparser decode as ./charset-decode.ts does. Its `Iconv` option (public)
 * takes every part that declares a charset; what no option reaches is patched into its
 * node creation, only for parsers created with `porticoCharsets`:
 *   - header lines in raw 8-bit (a subject or file name in GBK, no encoded word) are decoded
 *     and written back as UTF-8 encoded words, as are encoded words whose declared charset
 *     does not fit their bytes; mailparser and its splitter read the rest as before;
 *   - text parts that declare no charset, or UTF-8 or ASCII, go through the same decoder,
 *     which lets valid UTF-8 through untouched and detects anything else.
 */

export interface TCharsetOptions {
  /** The charset raw 8-bit header bytes are in (pickCharset over all of them), or null when there are none. */
  headerCharset: string | null;
  /** Check the bytes of text parts that declare UTF-8, ASCII or nothing (mailparser reads them as UTF-8 unchecked). */
  checkUndeclared: boolean;
}

type THeaderLine = { key: string; line: string };
type TSplitNode = {
  headers: { getList(): THeaderLine[]; getFirst(key: string): string; changed: boolean };
  filename: string | false;
};
type TParserNode = { contentType?: string | false; charset?: string | false };
type TLibmime = { parseHeaderValue(v: string): { params: Record<string, string>; decodedParams?: string[] }; decodeWords(s: string): string };
type TParser = { options: { porticoCharsets?: TCharsetOptions }; libmime: TLibmime; createNode(node: TSplitNode): TParserNode };

const EIGHT_BIT = /[\x80-\xff]/;
const UTF8ISH = /^(utf-?8|(us-)?ascii)$/i;
/** Adjacent encoded words of one charset and encoding, decoded together: a character may be split between them. */
const WORD_RUN = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bq])\?([^?\s]*)\?=(?:\s*=\?\1(?:\*[^?\s]*)?\?\2\?[^?\s]*\?=)*/gi;
const ONE_WORD = /=\?[^?\s]+\?[bq]\?([^?\s]*)\?=/gi;
// eslint-disable-next-line no-control-regex -- the complement of ASCII
const NON_ASCII_RUN = /[^\x00-\x7f]+(?:[ \t]+[^\x00-\x7f]+)*/g;

const utf8Word = (text: string) => `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;

function wordBytes(encoding: string, data: string): Buffer {
  if (encoding.toLowerCase() === 'b') return Buffer.from(data, 'base64');
  return Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
}

/** Encoded words whose bytes do not read in the charset they name, rewritten as UTF-8 words. */
function fixEncodedWords(line: string): string {
  if (!line.includes('=?')) return line;
  return line.replace(WORD_RUN, (run, charset: string, encoding: string) => {
    const bytes = Buffer.concat([...run.matchAll(ONE_WORD)].map((m) => wordBytes(encoding, m[1]!)));
    const fits = pickCharset(bytes, charset);
    return fits.toLowerCase() === charset.toLowerCase() || (fits === 'utf-8' && UTF8ISH.test(charset)) ? run : utf8Word(decodeText(bytes, charset));
  });
}

/** Headers whose parameters (the file name) the splitter reads from raw bytes as Latin-1. */
const PARAMETER_HEADER = /^content-(type|disposition)\s*:/i;

/**
 * A header line (binary string, as the splitter keeps it) with 8-bit text in another
 * charset than UTF-8 turned into UTF-8 encoded words. Raw UTF-8 is left as it is (mailparser
 * reads it as UTF-8), except in the parameters of Content-Type and Content-Disposition.
 */
export function fixHeaderLine(line: string, headerCharset: string | null): string {
  if (!EIGHT_BIT.test(line)) return fixEncodedWords(line);
  const bytes = Buffer.from(line, 'latin1');
  const utf8 = isUtf8(bytes);
  if (utf8 && !PARAMETER_HEADER.test(line)) return line;
  const text = utf8 ? bytes.toString('utf8') : decodeText(bytes, headerCharset);
  return fixEncodedWords(text).replace(NON_ASCII_RUN, utf8Word);
}

/** Raw 8-bit header text of the whole message (every part's header block), for one verdict on its charset. */
export function headerCharsetOf(raw: Buffer): string | null {
  if (isUtf8(raw)) return null;
  const text = raw.toString('latin1');
  const samples: Buffer[] = [];
  // Header-like lines holding 8-bit bytes; the declared charset of the first legacy-encoded text part is the hint.
  for (const m of text.matchAll(/^[!-9;-~]+:[^\r\n]*[\x80-\xff][^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gm)) samples.push(Buffer.from(m[0], 'latin1'));
  if (!samples.length) return null;
  const hint = /charset\s*=\s*"?([\w.:-]+)/i.exec(text.replace(/charset\s*=\s*"?(utf-?8|us-ascii)\b/gi, ''))?.[1] ?? null;
  return pickCharset(Buffer.concat(samples.flatMap((s) => [s, Buffer.from('\n')])), null, hint);
}

function fixNode(parser: TParser, node: TSplitNode, headerCharset: string | null): void {
  let nameChanged = false;
  for (const h of node.headers.getList()) {
    const fixed = fixHeaderLine(h.line, headerCharset);
    if (fixed === h.line) continue;
    h.line = fixed;
    node.headers.changed = true;
    if (h.key === 'content-disposition' || h.key === 'content-type') nameChanged = true;
  }
  if (!nameChanged || !node.filename) return;
  // The splitter read the file name from the raw line: read it again from the fixed one.
  const disposition = parser.libmime.parseHeaderValue(node.headers.getFirst('content-disposition'));
  const type = parser.libmime.parseHeaderValue(node.headers.getFirst('content-type'));
  const [params, key] = disposition.params.filename ? [disposition, 'filename'] : [type, 'name'];
  const name = params.params[key];
  if (name) node.filename = params.decodedParams?.includes(key) ? name : parser.libmime.decodeWords(name);
}

/**
 * Installs the node hook on mailparser's class (parse-message.ts does, once, when it loads the
 * library); parsers created without `porticoCharsets` are not affected.
 */
export function installCharsetHook(parserClass: typeof MailParser): void {
  const proto = parserClass.prototype as unknown as TParser;
  const createNode = proto.createNode;
  proto.createNode = function (this: TParser, node: TSplitNode): TParserNode {
    const opts = this.options.porticoCharsets;
    if (!opts) return createNode.call(this, node);
    fixNode(this, node, opts.headerCharset);
    const made = createNode.call(this, node);
    if (opts.checkUndeclared && typeof made.contentType === 'string' && made.contentType.startsWith('text/') && (!made.charset || UTF8ISH.test(made.charset))) made.charset = UNDECLARED;
    return made;
  };
}

/**
 * simpleParser options that decode charsets as ./charset-decode.ts does. Text parts that
 * declare UTF-8 (or nothing) are checked when the raw message is not valid UTF-8, or when
 * asked (a second parse, after the first gave U+FFFD): clean UTF-8 mail pays nothing for it.
 */
export function charsetOptions(raw: Buffer, checkUndeclared = false): { Iconv: typeof MailIconv; porticoCharsets: TCharsetOptions } {
  const headerCharset = headerCharsetOf(raw);
  return { Iconv: MailIconv, porticoCharsets: { headerCharset, checkUndeclared: checkUndeclared || !isUtf8(raw) } };
}
