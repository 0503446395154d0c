import { attributionEndingAt } from './trim-rules/attribution';
import { headerBlockAt, headerKind, separatorAt, type THeaderKind } from './trim-rules/header-blocks';
import { bodyLines, hasDate, isBlank, isQuoted, isRule, unquoted } from './trim-rules/lines';
import { DISCLAIMER, isDeviceLine, isSignatureDelimiter, isUnderscoreRule } from './trim-rules/signatures';

/*
 * Keeps what the person wrote in a plain-text reply: cuts the quoted earlier message (after
 * an attribution, an Outlook header block, an "Original Message" or forward banner, or a
 * device line such as "Sent from my iPhone"), signatures and our own "reply above this line"
 * marker, and keeps inline answers with the quotes they answer. Line based, with anchored or
 * bounded per-line patterns and a bounded look-around, so a hostile body costs linear time.
 * HTML bodies come here after ../html-reply.ts turned them into text (blockquotes as "> ").
 */

/** Ours ("##- Please type your reply above this line -##") and other help desks' markers. */
const REPLY_ABOVE_MARKER = /(?:type|write|reply|respond)\b.{0,30}\babove this line/i;
/** GroupWise's attribution (">>> Name <x@y> 03/03/2026 17:21 >>>"), with the original unquoted under it. */
const GROUPWISE = /^>>>\s.{0,200}\s>>>\s*$/;

/** A line everything from which is the earlier message, quoted or not. Substring checks first: they are cheaper than the patterns. */
const endsReply = (line: string): boolean =>
  line.length <= 400 &&
  (((line.includes('bove') || line.includes('BOVE')) && REPLY_ABOVE_MARKER.test(line)) || (line.includes('>>>') && GROUPWISE.test(line) && hasDate(line)));

/** e: blank, q: quoted, t: text, h: attribution above a quote, s: signature. */
type TMark = 'e' | 'q' | 't' | 'h' | 's';

const opensBracket = (line: string): boolean => line.lastIndexOf('<') > line.lastIndexOf('>');

function wrappedTail(quotedAbove: string, line: string): boolean {
  const above = unquoted(quotedAbove).trimEnd();
  return above.length >= 60 && !/[?:]$/.test(above) && line.trim().length <= 60 && /^\p{Ll}/u.test(line.trimStart());
}

function initialMarks(lines: readonly string[]): TMark[] {
  const marks: TMark[] = lines.map((l) => (isBlank(l) ? 'e' : isQuoted(l) ? 'q' : 't'));
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    // ">:" closing an address a wrapped attribution left open ("... <x@y" / ">:") is no quote.
    if (marks[i] === 'q' && marks[i - 1] === 't' && line.length <= 80 && /[:：]\s*$/.test(line) && opensBracket(lines[i - 1]!)) marks[i] = 't';
    // A quoted line the sender's client wrapped again without a ">": a short lower-case tail
    // between a long quoted line that is no question and the next quoted line.
    else if (marks[i] === 't' && marks[i - 1] === 'q' && isQuoted(lines[i + 1] ?? '') && wrappedTail(lines[i - 1]!, line)) marks[i] = 'q';
  }
  return marks;
}

/**
 * Marks attributions above quotes, and finds where the text stops being the reply for good:
 * our marker, a banner, a header block, a device line, or an attribution with the earlier
 * message unquoted below it.
 */
function markHeadersAndCut(lines: readonly string[], marks: TMark[]): number {
  const n = lines.length;
  const next = new Int32Array(n + 1).fill(n);
  for (let i = n - 1; i >= 0; i--) next[i] = marks[i] === 'e' ? next[i + 1]! : i;
  const usable = (i: number) => marks[i] === 't';
  // Header blocks look a few lines ahead: each line's header kind is found once.
  const kinds: (THeaderKind | 'none' | undefined)[] = new Array(n);
  const kindAt = (j: number): THeaderKind | undefined => {
    kinds[j] ??= headerKind(lines[j]!) ?? 'none';
    return kinds[j] === 'none' ? undefined : kinds[j];
  };
  for (let i = 0; i < n; i++) {
    const line = lines[i]!;
    if (endsReply(line)) return i;
    if (marks[i] !== 't') continue;
    if (separatorAt(lines, i) || headerBlockAt(lines, i, kindAt) || isDeviceLine(line)) return i;
    const a = attributionEndingAt(lines, i, usable);
    if (!a) continue;
    if (marks[next[i + 1]!] === 'q') for (let j = a.start; j <= i; j++) marks[j] = 'h';
    else if (a.kind === 'strict') return a.start;
  }
  return n;
}

/** A "-- " line (or a rule of underscores) starts a signature, which runs to the next quote. */
function markSignatures(lines: readonly string[], marks: TMark[]): void {
  for (let i = 0; i < lines.length; i++) {
    if (marks[i] !== 't' || !(isSignatureDelimiter(lines[i]!) || isUnderscoreRule(lines[i]!))) continue;
    for (; i < lines.length && (marks[i] === 't' || marks[i] === 'e'); i++) marks[i] = 's';
    i--;
  }
}

interface TSegment {
  kind: 'text' | 'quote' | 'signature';
  from: number;
  to: number;
  hasText: boolean;
}

function segments(marks: readonly TMark[]): TSegment[] {
  const out: TSegment[] = [];
  for (let i = 0; i < marks.length; i++) {
    const m = marks[i]!;
    const last = out.at(-1);
    // Blank lines join whatever they are in.
    const kind = m === 'q' || m === 'h' ? 'quote' : m === 's' ? 'signature' : m === 'e' ? (last?.kind ?? 'text') : 'text';
    if (last && last.kind === kind) {
      last.to = i;
      last.hasText ||= m === 't';
    } else out.push({ kind, from: i, to: i, hasText: m === 't' });
  }
  return out;
}

/** Trailing spaces, leading and trailing blank lines and runs of blank lines go. */
function tidy(lines: string[]): string {
  const out: string[] = [];
  let blank = true;
  for (const line of lines) {
    const t = line.trimEnd();
    if (t === '' && blank) continue;
    blank = t === '';
    out.push(t);
  }
  if (blank) out.pop();
  return out.join('\n');
}

/** What the person wrote in a plain-text reply; '' when nothing of their own is left. */
export function trimReply(text: string): string {
  const lines = bodyLines(text);
  const marks = initialMarks(lines);
  let cut = markHeadersAndCut(lines, marks);
  // What led up to the cut: rules, and the attribution and quote of what is cut.
  while (cut > 0 && (marks[cut - 1] !== 't' || isRule(lines[cut - 1]!))) cut--;
  lines.length = cut;
  marks.length = cut;
  markSignatures(lines, marks);

  const segs = segments(marks);
  const textAt = segs.flatMap((s, i) => (s.kind === 'text' && s.hasText ? [i] : []));
  // A server's disclaimer under the whole message, quote included, is no answer.
  const firstQuote = segs.findIndex((s) => s.kind === 'quote');
  while (textAt.length > 1 && firstQuote !== -1 && textAt.at(-1)! > firstQuote) {
    const s = segs[textAt.at(-1)!]!;
    if (!DISCLAIMER.test(lines.slice(s.from, s.to + 1).join(' '))) break;
    s.kind = 'signature';
    textAt.pop();
  }
  if (!textAt.length) return '';
  const first = textAt[0]!;
  const last = textAt.at(-1)!;
  // Quotes between answers are the questions of an inline reply: keep them, and the quote
  // that leads into the first answer, without the attribution above them. Otherwise (top
  // or bottom posting) quotes go.
  const inline = segs.some((s, i) => s.kind === 'quote' && i > first && i < last);
  const out: string[] = [];
  segs.forEach((s, i) => {
    if (s.kind === 'text' || (inline && s.kind === 'quote' && i < last)) {
      for (let j = s.from; j <= s.to; j++) if (marks[j] !== 'h') out.push(lines[j]!);
    }
  });
  return tidy(out);
}

/** A comment is never empty: the trimmed reply, or the whole text when trimming leaves nothing (a quote, a forward). */
export function orWholeText(trimmed: string, whole: string): { body: string; trimmed: boolean } {
  return trimmed ? { body: trimmed, trimmed: true } : { body: whole.replace(/\r\n?/g, '\n').trim(), trimmed: false };
}

/** What intake keeps of a plain-text body. */
export const plainReply = (text: string): { body: string; trimmed: boolean } => orWholeText(trimReply(text), text);
