import type { AnyNode, Document, Element } from 'domhandler';
import { findAll, findOne, getAttributeValue, prevElementSibling, removeElement } from 'domutils';
import { parseDocument } from 'htmlparser2';
import { domToText } from './dom-text';

/*
 * The HTML half of reply trimming: clients mark their quotes in markup, which is surer than
 * any text rule. Outlook puts the quoted message after #appendonsend / #divRplyFwdMsg, and
 * Yahoo in .yahoo_quoted: both are cut with everything after them. Gmail (.gmail_quote),
 * Apple Mail and Thunderbird (blockquote type=cite after .moz-cite-prefix) quote in
 * blockquotes, which become "> " lines, so ./reply-trim.ts can keep inline answers with
 * the questions they answer. Signature blocks are removed.
 */

const CUT_FROM_IDS = new Set(['appendonsend', 'divrplyfwdmsg', 'x_appendonsend', 'x_divrplyfwdmsg']);
const SIGNATURE = (el: Element) => {
  const cls = ` ${(getAttributeValue(el, 'class') ?? '').toLowerCase()} `;
  const id = (getAttributeValue(el, 'id') ?? '').toLowerCase();
  return cls.includes(' gmail_signature ') || cls.includes(' moz-signature ') || getAttributeValue(el, 'data-smartmail') === 'gmail_signature' || id === 'signature' || id === 'x_signature';
};
const YAHOO_QUOTE = (el: Element) =>
  /(^|\s)(yahoo_quoted|ydp[\w]*yahoo_quoted)/i.test(getAttributeValue(el, 'class') ?? '') || /^yahoo_quoted/i.test(getAttributeValue(el, 'id') ?? '');

/** Removes `node` and everything after it in document order. */
function cutFrom(node: AnyNode): void {
  for (let n: AnyNode | null = node; n && n.parent; n = n.parent) {
    while (n.next) removeElement(n.next);
  }
  removeElement(node);
}

function cutQuotesAndSignatures(doc: Document): void {
  const outlook = findOne((el) => CUT_FROM_IDS.has((getAttributeValue(el, 'id') ?? '').toLowerCase()), doc.children, true);
  if (outlook) {
    // Outlook draws the line above the reply header as an <hr> just before it.
    const prev = prevElementSibling(outlook);
    cutFrom(prev && prev.name === 'hr' ? prev : outlook);
  }
  const yahoo = findOne(YAHOO_QUOTE, doc.children, true);
  if (yahoo) cutFrom(yahoo);
  for (const el of findAll(SIGNATURE, doc.children)) removeElement(el);
}

/** The text of an HTML reply with quotes as "> " lines, and the cid: images still in it. */
export function htmlReplyText(html: string): { text: string; cids: string[] } {
  const doc = parseDocument(html);
  cutQuotesAndSignatures(doc);
  const cids = findAll((el) => el.name === 'img' && /^cid:/i.test(getAttributeValue(el, 'src') ?? ''), doc.children).map((el) =>
    getAttributeValue(el, 'src')!.slice(4).replace(/^<|>$/g, ''),
  );
  return { text: domToText(doc.children), cids };
}

/** The whole of an HTML body as text, nothing cut (forwarded mail, the original view). */
export const htmlToText = (html: string): string => domToText(parseDocument(html).children);
