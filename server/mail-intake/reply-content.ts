import { htmlReplyText, htmlToText } from './html-reply';
import type { TMail } from './parse-message';
import { orWholeText, trimReply } from './reply-trim';

/** The tickets service takes 50,000 characters. */
const MAX_BODY = 48_000; // room for intake's own lines
const FORWARD_SUBJECT = /^\s*(fwd?|fw|wg|tr|rv|i|doorst|enc)\s*:/i;
const FORWARD_MARKER = /^[\s>]*-{2,}\s*(forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|doorgestuurd bericht|messaggio inoltrato|mensagem encaminhada)/im;

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

export interface TReplyContent {
  body: string;
  /** Inline images the kept text still shows. */
  cids: string[];
  trimmed: boolean;
}

/** A message read both ways: as a reply, and as a new ticket (which differs only for a forward). */
export interface TReplyContents {
  reply: TReplyContent;
  new: TReplyContent;
}

/**
 * The text a comment (or a new ticket's description) gets, and the inline images it still
 * shows. HTML markup locates quotes best, so the HTML part is trimmed first; when a
 * text/plain alternative exists and does not contain that result (the parts disagree),
 * the plain part, trimmed by text rules, wins. A forward to the support address keeps
 * everything: the forwarded message is the point. If trimming leaves nothing, the whole
 * text is kept rather than an empty comment.
 */
export function replyContent(mail: Pick<TMail, 'text' | 'html' | 'subject'>, mode: 'reply' | 'new'): TReplyContent {
  const read = reading(mail);
  return assemble(mail, read, mode === 'new' && read.forwarded);
}

/** Both of replyContent's results, trimming once. */
export function replyContents(mail: Pick<TMail, 'text' | 'html' | 'subject'>): TReplyContents {
  const read = reading(mail);
  const reply = assemble(mail, read, false);
  return { reply, new: read.forwarded ? assemble(mail, read, true) : reply };
}

type TReading = { fromHtml: Awaited<ReturnType<typeof htmlReplyText>> | null; fullText: string; forwarded: boolean };

/** The text part, unless it is empty or blank (HTML-only mail often carries an empty one): then the HTML speaks. */
const plainOf = (mail: Pick<TMail, 'text'>) => (mail.text?.trim() ? mail.text : null);

function reading(mail: Pick<TMail, 'text' | 'html' | 'subject'>): TReading {
  const fromHtml = mail.html ? htmlReplyText(mail.html) : null;
  const fullText = (plainOf(mail) ?? (mail.html ? htmlToText(mail.html) : '')).trim();
  return { fromHtml, fullText, forwarded: FORWARD_SUBJECT.test(mail.subject) || FORWARD_MARKER.test(fullText) };
}

function assemble(mail: Pick<TMail, 'text'>, { fromHtml, fullText }: TReading, forwarded: boolean): TReplyContent {
  let body = '';
  const plain = plainOf(mail);
  if (!forwarded) {
    const html = fromHtml ? trimReply(fromHtml.text) : '';
    const text = plain ? trimReply(plain) : '';
    body = html && (!plain || squash(plain).includes(squash(html))) ? html : text || html;
  }
  const kept = orWholeText(body, fullText);
  body = kept.body;
  if (body.length > MAX_BODY) body = `${body.slice(0, MAX_BODY - 120)}\n\n[Cut here: the full message is kept with the original email.]`;
  return { body, cids: fromHtml?.cids ?? [], trimmed: kept.trimmed };
}
