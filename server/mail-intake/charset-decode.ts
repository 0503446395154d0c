import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { analyse } from 'chardet';
import iconv from 'iconv-lite';

/*
 * Text of unknown or doubtful encoding, decoded as the better mail systems do: valid UTF-8
 * first (a part labelled Big5 that is really UTF-8 is common); else the declared charset when
 * it decodes cleanly; else the charset a detector (chardet) and a plausibility score agree on.
 * Clean means no U+FFFD, no C1 control characters and no soup of Latin-1 symbols. Mail that
 * is valid UTF-8 costs one native UTF-8 check and nothing more.
 */

/** The label mailparser gets for a text part that declares no charset (or UTF-8, or ASCII): its bytes still get checked. */
export const UNDECLARED = 'x-portico-undeclared';

const UTF8_LABEL = /^(utf-?8|(us-)?ascii|7bit|8bit|ansi_x3\.4-1968|x-portico-undeclared)$/i;
/** 7-bit encodings that look like ASCII: their bytes never pass for UTF-8. */
const STATEFUL = /^(iso-?2022|hz-gb|csiso2022)/i;
const WIDE = /^(utf-?16|utf-?32|ucs-?2|ucs-?4)/i;
/** Not text encodings a message is written in (UTF-7 can smuggle markup past filters). */
const REFUSED = /^((cs)?unicode-?1-?1-?)?utf-?7(-?imap)?$|^base64$|^hex$/i;
/**
 * Tried after the detector's firmer guesses; on a tie (short text the detector cannot tell
 * apart) the earlier wins, in the order of how much mail each charset carries.
 */
const FALLBACKS = ['gb18030', 'shift_jis', 'big5', 'euc-kr', 'euc-jp', 'windows-1252', 'windows-1251', 'iso-8859-2', 'koi8-r'];
/** Below this the detector only says the bytes are valid in a charset (its verdict on short text). */
const FIRM = 11;
/** A detector verdict this sure is taken when it decodes cleanly (long texts). */
const SURE = 60;
const SCORE_SAMPLE = 4096;

const normalise = (label: string | null | undefined) => (label ?? '').trim().replace(/^["']|["']$/g, '').toLowerCase();

/** The decoded text, or null for a charset neither iconv-lite nor the platform's decoder knows. */
function decodeWith(bytes: Uint8Array, charset: string): string | null {
  if (REFUSED.test(charset)) return null;
  try {
    if (iconv.encodingExists(charset)) return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), charset);
    return new TextDecoder(charset).decode(bytes); // ISO-2022-JP and other WHATWG labels iconv-lite lacks
  } catch {
    return null;
  }
}

// eslint-disable-next-line no-control-regex -- NUL is one of the signs of a wrong decoding
const clean = (text: string) => !/[\uFFFD\u0000\u0080-\u009F]/.test(text);

type TFamily = 'gb' | 'big5' | 'jis' | 'kr';
const familyOf = (charset: string): TFamily | null =>
  /gb|936|18030/i.test(charset) ? 'gb' : /big5|950/i.test(charset) ? 'big5' : /jis|euc-?jp|932/i.test(charset) ? 'jis' : /kr|949|5601/i.test(charset) ? 'kr' : null;
/** The lead bytes of each family's first, most used level (GB2312 level 1, Big5 level 1, JIS X 0208 level 1, KS X 1001 hangul). */
const COMMON_LEADS: Record<TFamily, [string, number, number]> = { gb: ['gb2312', 0xb0, 0xd7], big5: ['big5', 0xa4, 0xc6], jis: ['shift_jis', 0x88, 0x98], kr: ['euc-kr', 0xb0, 0xc8] };
const commonCache = new Map<string, boolean>();

/**
 * A hanzi, kanji or hangul of its charset's common level: the soup that another charset's
 * bytes make is mostly of rare ones. Without a charset, common in any.
 */
function isCommonIdeograph(ch: string, family: TFamily | null): boolean {
  const key = `${family}:${ch}`;
  let known = commonCache.get(key);
  if (known === undefined) {
    known = (family ? [family] : (Object.keys(COMMON_LEADS) as TFamily[])).some((f) => {
      const [charset, lo, hi] = COMMON_LEADS[f];
      const b = iconv.encode(ch, charset);
      return b.length === 2 && b[0]! >= lo && b[0]! <= hi;
    });
    commonCache.set(key, known);
  }
  return known;
}

type TScript = 'latin' | 'greek' | 'cyrillic' | 'hebrew' | 'arabic' | 'thai' | 'cjk' | null;

/** How much one character speaks for a decoding (per byte it usually takes), and its script. */
function weigh(ch: string, cp: number, family: TFamily | null): [number, TScript] {
  if (cp === 0xa0) return [0, null];
  if ((cp >= 0xa1 && cp <= 0xbf) || cp === 0xd7 || cp === 0xf7) return [-1, null];
  if (cp <= 0x24f) return [1, 'latin'];
  if (cp >= 0x370 && cp <= 0x3ff) return [1, 'greek'];
  if (cp >= 0x410 && cp <= 0x451) return [1, 'cyrillic'];
  if (cp >= 0x400 && cp <= 0x4ff) return [0.5, 'cyrillic'];
  if (cp >= 0x590 && cp <= 0x5ff) return [1, 'hebrew'];
  if (cp >= 0x600 && cp <= 0x6ff) return [1, 'arabic'];
  if (cp >= 0xe00 && cp <= 0xe7f) return [1, 'thai'];
  if (cp >= 0x2010 && cp <= 0x2026) return [0.5, null]; // dashes, quotes, ellipsis
  if (cp === 0x20ac) return [0.5, null];
  if (cp >= 0x3000 && cp <= 0x30ff) return [2, 'cjk']; // CJK punctuation, kana
  if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7a3)) return [isCommonIdeograph(ch, family) ? 2 : 0.5, 'cjk'];
  if (cp >= 0xff01 && cp <= 0xff5e) return [1, 'cjk']; // full-width forms
  if (cp >= 0xff61 && cp <= 0xff9f) return [-0.5, 'cjk']; // half-width katakana: Shift_JIS soup
  if (cp >= 0xe000 && cp <= 0xf8ff) return [-3, null];
  return [-1, null];
}

/**
 * How plausible a decoding reads: letters of one script and common ideographs count for it,
 * Latin-1 symbols, rare characters, private-use characters, a second script and case flipping
 * inside a word count against it. Compares decodings of the same bytes.
 */
export function plausibility(text: string, charset = ''): number {
  const family = familyOf(charset);
  let score = 0;
  const scripts = new Map<TScript, number>();
  let prevLower = false;
  for (const ch of text.length > SCORE_SAMPLE ? text.slice(0, SCORE_SAMPLE) : text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      prevLower = ch !== ch.toUpperCase();
      continue;
    }
    const [w, script] = weigh(ch, cp, family);
    score += w;
    if (script) scripts.set(script, (scripts.get(script) ?? 0) + 1);
    const upper = ch !== ch.toLowerCase();
    if (upper && prevLower) score -= 1;
    prevLower = ch !== ch.toUpperCase();
  }
  if (scripts.size > 1) {
    const counts = [...scripts.values()].sort((a, b) => b - a);
    score -= 2 * counts.slice(1).reduce((a, b) => a + b, 0);
  }
  return score;
}

/**
 * The charset these bytes read best in: UTF-8, the declared one, or a detected one.
 * `prefer` (a charset used elsewhere in the message) is weighed first and wins a tie.
 */
export function pickCharset(bytes: Uint8Array, declared?: string | null, prefer?: string | null): string {
  let label = normalise(declared);
  if (label && WIDE.test(label) && decodeWith(bytes, label) !== null) return label;
  if (isUtf8(bytes)) return label && STATEFUL.test(label) && isAscii(bytes) && decodeWith(bytes, label) !== null ? label : 'utf-8';
  if (UTF8_LABEL.test(label) || REFUSED.test(label)) label = '';
  const declaredText = label ? decodeWith(bytes, label) : null;
  if (declaredText === null) label = '';
  else if (clean(declaredText) && plausibility(declaredText, label) >= 0) return label;

  const guesses = analyse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const top = guesses[0];
  if (top && top.confidence >= SURE) {
    const text = decodeWith(bytes, top.name);
    if (text !== null && clean(text)) return top.name;
  }
  let best: { charset: string; score: number } | null = null;
  const seen = new Set<string>();
  const named = (min: number, max: number) => guesses.filter((g) => g.confidence >= min && g.confidence <= max).map((g) => g.name);
  for (const charset of [label, normalise(prefer), ...named(FIRM, 100), ...FALLBACKS, ...named(1, FIRM - 1)]) {
    if (!charset) continue;
    const key = iconv.encodingExists(charset) ? String((iconv.getCodec(charset) as { encodingName?: string }).encodingName ?? charset) : String(charset).toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const text = decodeWith(bytes, charset);
    if (text === null || !clean(text)) continue;
    const score = plausibility(text, charset);
    if (!best || score > best.score) best = { charset, score };
  }
  return best?.charset ?? (label || 'utf-8');
}

function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b > 0x7f) return false;
  return true;
}

/** The text of these bytes (see pickCharset); U+FFFD only where no decoding reads cleanly. */
export function decodeText(bytes: Uint8Array, declared?: string | null): string {
  const charset = pickCharset(bytes, declared);
  const text = charset === 'utf-8' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') : (decodeWith(bytes, charset) ?? Buffer.from(bytes).toString('utf8'));
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * node-iconv's interface as mailparser's `Iconv` option uses it (`new Iconv(from, to)`, a
 * stream of UTF-8 out): a text part's bytes are collected and decoded as a whole by
 * decodeText, so the declared charset is only a hint.
 */
export class MailIconv extends Transform {
  private readonly chunks: Buffer[] = [];

  constructor(private readonly charset: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(chunk);
    done();
  }

  override _flush(done: TransformCallback): void {
    const bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    // Clean UTF-8 passes as it is.
    done(null, isUtf8(bytes) && !STATEFUL.test(this.charset) && !WIDE.test(this.charset) ? bytes : Buffer.from(decodeText(bytes, this.charset), 'utf8'));
  }
}
