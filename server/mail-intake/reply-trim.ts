/*
 * Keeps what the person wrote in a plain-text reply: cuts the quoted earlier message,
 * signatures and our own "reply above this line" marker, and keeps inline answers with the
 * quotes they answer. Line based, with anchored per-line patterns only, so a hostile body
 * costs linear time. HTML bodies come here after ./html-reply.ts turned them into text
 * (blockquotes as "> " lines).
 */

/** Longer lines are text, never a header: also bounds the work per pattern. */
const MAX_HEADER_LINE = 400;

const OUR_MARKER = /type your reply above this line/i;

/** "On <date>, <name> wrote:" and its translations (de, fr, es, nl, it, pt, and a few more). */
const ATTRIBUTION = [
  /^On\s.{4,}\swrote:?$/i,
  /^Am\s.{4,}\sschrieb\s.*:$/i,
  /^Le\s.{4,}\s(a\s)?écrit\s?:$/i,
  /^El\s.{4,}\sescribió\s?:?$/i,
  /^Op\s.{4,}\sschreef\s.*:$/i,
  /^Il\s.{4,}\sha\sscritto\s?:?$/i,
  /^(Em|No dia)\s.{4,}\sescreveu\s?:?$/i,
  /^Den\s.{4,}\sskrev\s.*:$/i,
  /^(W dniu|Dnia)\s.{4,}\s(pisze|napisał\(a\)|napisał|napisała)\s?:$/i,
];
/** "Name wrote:" in any of those languages; a header only when quoted lines follow. */
const LOOSE_ATTRIBUTION = /\s(wrote|schrieb|a écrit|écrit|escribió|schreef|ha scritto|scrisse|escreveu|skrev|napisał|написал|написала|kirjoitti|írta|yazdı)\s?:$/i;
/** Date- or address-bearing line ending in ":" right above quoted lines (clients in other languages). */
const LOOSE_HEADER = /(@|\d{1,2}[:./-]\d{1,2}).*:$/;

/** Outlook-style header blocks ("From:/Sent:/To:/Subject:") and their translations. */
const HEADER_KEYS: Record<'from' | 'sent' | 'to' | 'subject' | 'cc', string[]> = {
  from: ['from', 'von', 'de', 'van', 'da', 'fra', 'från', 'od', 'от', 'lähettäjä', 'feladó'],
  sent: ['sent', 'date', 'gesendet', 'datum', 'envoyé', 'enviado', 'enviado el', 'fecha', 'verzonden', 'verstuurd', 'inviato', 'data', 'enviada', 'enviada em', 'skickat', 'sendt', 'wysłano', 'отправлено', 'дата'],
  to: ['to', 'an', 'à', 'a', 'para', 'aan', 'til', 'till', 'do', 'кому'],
  subject: ['subject', 'betreff', 'objet', 'asunto', 'onderwerp', 'oggetto', 'assunto', 'ämne', 'emne', 'temat', 'тема'],
  cc: ['cc', 'kopie', 'copie', 'cópia', 'копия'],
};
const HEADER_LINE = /^\s*\*?([\p{L} ]{1,12}?)\s?\*?\s?:(\s|$)/u;
const headerKind = new Map(Object.entries(HEADER_KEYS).flatMap(([kind, words]) => words.map((w) => [w, kind] as const)));

const ORIGINAL_MESSAGE =
  /^\s*[-_=]{2,}\s*(original message|ursprüngliche nachricht|originalnachricht|message d'origine|mensaje original|oorspronkelijk bericht|origineel bericht|messaggio originale|mensagem original|originalmeddelande|oprindelig meddelelse|opprinnelig melding|исходное сообщение)\s*[-_=]{2,}\s*$/i;
const SEPARATOR = /^[\s\-_=*]*$/;
const FORWARD_LINE = /^\s*-{2,}\s*(forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|doorgestuurd bericht|messaggio inoltrato|mensagem encaminhada)\s*-{2,}\s*$/i;
const SIGNATURE_DASHES = /^--\s?$/;
const MOBILE_SIGNATURE =
  /^(sent from my [\w .'-]{1,40}|sent from (mail|outlook|yahoo mail|gmail|aol|samsung)\b.{0,40}|sent with \w+( \(.{1,80}\))?|get outlook for .{1,40}|von meinem .{1,40} gesendet|gesendet von .{1,60}|envoyé de mon .{1,40}|envoyé depuis .{1,60}|enviado desde .{1,60}|enviado do meu .{1,40}|enviado a partir do .{1,40}|verzonden (vanaf|met) .{1,60}|verstuurd vanaf .{1,60}|inviato da(l mio)? .{1,40})$/i;

const isQuoted = (line: string) => /^\s*>/.test(line);
const isBlank = (line: string) => line.trim() === '';

function isAttribution(line: string): boolean {
  const l = line.trim();
  return l.length <= MAX_HEADER_LINE && ATTRIBUTION.some((re) => re.test(l));
}

function headerOf(line: string): string | undefined {
  if (line.length > MAX_HEADER_LINE) return undefined;
  const m = HEADER_LINE.exec(line);
  return m ? headerKind.get(m[1]!.trim().toLowerCase()) : undefined;
}

/** Start of an Outlook-style block: a From line among at least three header kinds within a few lines. */
function isHeaderBlock(lines: readonly string[], i: number): boolean {
  if (!headerOf(lines[i]!)) return false;
  const kinds = new Set<string>();
  for (let j = i; j < Math.min(lines.length, i + 8); j++) {
    const kind = headerOf(lines[j]!);
    if (kind) kinds.add(kind);
    else if (!isBlank(lines[j]!) && kinds.size >= 1 && j > i + 1) break;
  }
  return kinds.has('from') && kinds.size >= 3;
}

/** Where the text stops being the reply for good: our marker, "Original Message", a header block. */
function hardCut(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (OUR_MARKER.test(line)) return i;
    if (isQuoted(line)) continue;
    if (ORIGINAL_MESSAGE.test(line) || isHeaderBlock(lines, i)) return i;
  }
  return lines.length;
}

type TMark = 'e' | 'q' | 'h' | 't' | 's';

function nextNonBlank(lines: readonly string[], i: number): number {
  let j = i;
  while (j < lines.length && isBlank(lines[j]!)) j++;
  return j;
}

function markLines(lines: string[]): TMark[] {
  const marks: TMark[] = lines.map((l) => (isBlank(l) ? 'e' : isQuoted(l) ? 'q' : 't'));
  for (let i = 0; i < lines.length; i++) {
    if (marks[i] !== 't') continue;
    const line = lines[i]!.trim();
    const quoteFollows = marks[nextNonBlank(lines, i + 1)] === 'q';
    if (isAttribution(line) || (quoteFollows && line.length <= MAX_HEADER_LINE && (LOOSE_ATTRIBUTION.test(line) || LOOSE_HEADER.test(line)))) {
      marks[i] = 'h';
      // The first half of a wrapped one: "... <" / "...," then "address> wrote:".
      if (i > 0 && marks[i - 1] === 't' && /[<,]$/.test(lines[i - 1]!.trimEnd())) marks[i - 1] = 'h';
      continue;
    }
    // Clients wrap a long attribution over two lines.
    const next = lines[i + 1];
    if (next !== undefined && marks[i + 1] === 't' && isAttribution(`${line} ${next.trim()}`)) {
      marks[i] = marks[i + 1] = 'h';
      i++;
    }
  }
  // A "-- " line starts the signature, which runs to the next quote.
  for (let i = 1; i < lines.length; i++) {
    if (marks[i] !== 't' || !SIGNATURE_DASHES.test(lines[i]!.trimEnd())) continue;
    for (let j = i; j < lines.length && (marks[j] === 't' || marks[j] === 'e'); j++) marks[j] = 's';
  }
  return marks;
}

interface TSegment {
  kind: 'text' | 'quote' | 'signature';
  lines: string[];
  hasText: boolean;
}

function segments(lines: string[], marks: TMark[]): TSegment[] {
  const out: TSegment[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = marks[i]!;
    const last = out.at(-1);
    // Blank lines join whatever they are in; a header starts a new quote.
    const kind = m === 'q' || m === 'h' ? 'quote' : m === 's' ? 'signature' : m === 'e' ? (last?.kind ?? 'text') : 'text';
    // An attribution starts a quote of its own (the second line of a wrapped one does not).
    if (last && last.kind === kind && !(m === 'h' && marks[i - 1] !== 'h')) {
      last.lines.push(lines[i]!);
      last.hasText ||= m === 't';
    } else out.push({ kind, lines: [lines[i]!], hasText: m === 't' });
  }
  return out;
}

function tidy(lines: string[]): string {
  const out: string[] = [];
  for (const line of lines) {
    if (isBlank(line) && (out.length === 0 || isBlank(out.at(-1)!))) continue;
    out.push(line.trimEnd());
  }
  while (out.length && isBlank(out.at(-1)!)) out.pop();
  return out.join('\n');
}

/** What the person wrote in a plain-text reply; '' when nothing of their own is left. */
export function trimReply(text: string): string {
  const normalised = text.replace(/\r\n?/g, '\n').replace(/[\u00a0\u2007\u202f]/g, ' ').replace(/[\u200b\u200e\u200f\ufeff]/g, '');
  let lines = normalised.split('\n');
  const cut = hardCut(lines);
  if (cut < lines.length) {
    lines = lines.slice(0, cut);
    // What led up to the cut: separator lines, and the attribution and quote of what we cut.
    const lead = (l: string) => SEPARATOR.test(l) || FORWARD_LINE.test(l) || isAttribution(l) || isQuoted(l);
    while (lines.length && lead(lines.at(-1)!)) lines.pop();
  }

  const marks = markLines(lines);
  const segs = segments(lines, marks);
  const textAt = segs.flatMap((s, i) => (s.kind === 'text' && s.hasText ? [i] : []));
  if (!textAt.length) return '';
  const first = textAt[0]!;
  const last = textAt.at(-1)!;
  // Quotes between answers are the questions of an inline reply: keep them, and the quote
  // that leads into the first answer. Otherwise (top or bottom posting) quotes go.
  const inline = segs.some((s, i) => s.kind === 'quote' && i > first && i < last);
  const kept = segs.filter((s, i) => s.kind === 'text' || (inline && s.kind === 'quote' && i < last));
  const out = kept.flatMap((s) => s.lines);
  while (out.length && (isBlank(out.at(-1)!) || MOBILE_SIGNATURE.test(out.at(-1)!.trim()))) out.pop();
  return tidy(out);
}
