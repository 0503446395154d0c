import { endsWithColon, hasBracketedAddress, hasDate, MAX_HEADER_LINE, startsWithDateTime, unbalanced } from './lines';

/*
 * The line a mail client writes above the quoted message: "On <date>, <name> <address> wrote:"
 * and its forms in other clients and languages, wrapped over up to three lines, with the
 * name and address in any order, with or without "On", or with a date and no verb at all
 * ("2017-11-24 16:32 GMT+01:00 Some One <x@y>:"). Recognised by shape rather than by each
 * client's exact wording: a "wrote" verb, or a date with an address, at the end of a line.
 */

/** "wrote" in the languages of mail clients; they end the attribution, or come before the name ("Am ... schrieb Name:"). */
const VERBS = [
  'wrote', 'writes', 'schrieb', 'schreibt', 'a écrit', 'écrit', 'escribió', 'escribio', 'schreef', 'ha scritto', 'scrisse', 'escreveu',
  'skrev', 'skriver', 'napisał\\(a\\)', 'napisała', 'napisał', 'pisze', 'napsal\\(a\\)', 'napsala', 'napsal', 'написал\\(а\\)', 'написала',
  'написал', 'пишет', 'написав', 'пише', 'kirjoitti', 'írta', 'yazdı', 'menulis', 'đã viết', 'a scris', 'έγραψε', 'כתב', 'كتب', 'เขียน',
  'geschreven', 'geschrieben', 'napisana', 'napisao', 'napisal', 'napísal\\(a\\)', 'napísal', 'написао', 'написа', 'escriure', 'rašė',
  'rakstīja', 'kirjutas', 'skrifaði',
].join('|');
/** The same in scripts without spaces between words. */
const CJK_VERBS = '写道|寫道|のメール|書きました|님이\\s?작성|작성';

const BEFORE = `(?:^|[\\s>)"'»\\]])`;
const VERB_END = new RegExp(`${BEFORE}(?:${VERBS})\\s?[:：]?$|(?:${CJK_VERBS})\\s?[:：]?$`, 'iu');
const VERB_MID = new RegExp(`${BEFORE}(?:${VERBS})\\s.{1,160}[:：]$`, 'iu');
const HAS_VERB = new RegExp(`${BEFORE}(?:${VERBS})(?=\\s)|${CJK_VERBS}`, 'iu');
const VERB_ONLY = new RegExp(`^(?:${VERBS}|${CJK_VERBS}|ha|a)?\\s?(?:${VERBS}|${CJK_VERBS})\\s?[:：]?$`, 'iu');

/** Words attributions start with ("On", "Am", "Le", "El", "Op", "Il", "Em", "Den", "W dniu", ...), or a date. */
const ANCHOR = /^(?:on|am|le|el|op|il|il giorno|in data|em|no dia|den|dne|w dniu|dnia|pada|vào|στις|в|ve)\s|^\d|^\p{L}{2,4}[.,]{0,2}\s\d{1,2}[.,\s]/iu;
const anchored = (s: string): boolean => ANCHOR.test(s);

export type TAttributionKind = 'strict' | 'loose';
export interface TAttribution {
  /** First line of the attribution (it may be wrapped over up to three lines). */
  start: number;
  /** strict: surely a header, even with no quoted lines after it. loose: a header only above quoted lines. */
  kind: TAttributionKind;
}

/** Whether a (joined) line is an attribution, and how sure that is. */
export function classify(c: string): TAttributionKind | null {
  if (c.length > MAX_HEADER_LINE * 2) return null;
  const colon = endsWithColon(c);
  const evidence = hasDate(c) || c.includes('@');
  // "On Thursday, Jane wrote:" is one even without a date or address; "Am Montag schrieb ich
  // Ihnen:" (the verb before more words) may be prose, so it needs a date or address for that.
  if (colon && endsWithVerb(c)) return evidence || anchored(c) ? 'strict' : 'loose';
  if (colon && VERB_MID.test(c)) return evidence ? 'strict' : 'loose';
  // "On Wed, 14 Nov 2018 08:14:43 -0200 John Doe <john@doe.com> wrote", no colon.
  if (!colon && evidence && anchored(c) && endsWithVerb(c)) return 'strict';
  // Dated headers with no verb: "30.09.2017, 18.30, "John Doe" <x@y>:", "2026年3月3日(火) 17:21 Name <x@y>:".
  if (colon && hasBracketedAddress(c) && hasDate(c)) return 'strict';
  if (colon && evidence && c.length <= 200) return 'loose';
  // A date line above a quote: "2016-03-03 17:21 GMT+01:00 Some One".
  if (startsWithDateTime(c) && c.length <= 120) return 'loose';
  return null;
}

/** A verb at the end: only the tail can hold one (the longest form, with its colon, is under 16 characters). */
const endsWithVerb = (c: string): boolean => VERB_END.test(c.length > 20 ? c.slice(-20) : c);
const mayEnd = (line: string): boolean => endsWithColon(line) || endsWithVerb(line) || startsWithDateTime(line);

/** A part that cannot stand alone: the tail of a wrapped line, or the verb by itself. */
const broken = (c: string): boolean => /^[>)\]]/.test(c) || unbalanced(c) || VERB_ONLY.test(c);
const incomplete = (c: string): boolean => broken(c) || /^(?:[<([@]|mailto:)/i.test(c);

/**
 * A line that leaves the attribution unfinished: it ends inside a name or address, or is its
 * first half (dated, or with the verb: "Name <x@y> schrieb am Di., 3. März" / "2026, 17:21:").
 */
function invites(above: string): boolean {
  const a = above.trim();
  return /(?:[,<([]|mailto:)$/i.test(a) || ((anchored(a) || HAS_VERB.test(a)) && !/[.!?]$/.test(a) && a.length <= 200);
}

/**
 * The attribution whose last line is `e`, if any. `usable(i)` says whether line i may be part
 * of one (unquoted text). The shortest join that makes a whole attribution wins, unless the
 * line above continues it (a wrapped name or address, or a first line that starts like one).
 */
export function attributionEndingAt(lines: readonly string[], e: number, usable: (i: number) => boolean): TAttribution | null {
  let c = lines[e]!.trim();
  if (c.length > MAX_HEADER_LINE || !mayEnd(c)) return null;
  let best: TAttribution | null = null;
  let bestWhole = false;
  for (let s = e; ; s--) {
    const kind = classify(c);
    const partial = incomplete(c);
    if (kind && !partial) {
      if (!bestWhole || anchored(c) || (kind === 'strict' && best?.kind === 'loose')) {
        best = { start: s, kind };
        bestWhole = true;
      }
    } else if (kind && !best && !broken(c)) best = { start: s, kind };
    if (s === 0 || s === e - 2) break;
    const above = lines[s - 1]!;
    if (!usable(s - 1) || above.length > MAX_HEADER_LINE || !(partial || invites(above))) break;
    c = `${above.trim()} ${c}`;
  }
  return best;
}
