import type { AnyNode, Element } from 'domhandler';

/*
 * Plain text of a parsed HTML body, for comments: block elements on lines of their own,
 * <br> as line breaks, blockquotes as "> " lines (so the text rules can tell quotes from
 * answers), links as "text <url>" when the address is not the text itself. Written for the
 * DOM intake already holds rather than a second parse: html-to-text measured about ten
 * times slower on the hot path.
 */

const SKIP = new Set(['head', 'title', 'style', 'script', 'noscript', 'template', 'meta', 'link', 'img', 'svg', 'object', 'iframe', 'xml', 'button', 'input', 'select', 'textarea']);
const BLOCK = new Set([
  'p', 'div', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'caption', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'pre', 'address', 'article', 'aside', 'section', 'header', 'footer', 'nav', 'main', 'center', 'form', 'fieldset', 'figure', 'hr', 'body', 'html',
]);
/** Elements whose end leaves a blank line, as paragraphs do. */
const PARAGRAPH = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'ul', 'ol', 'pre']);

class TextBuilder {
  readonly lines: string[] = [''];
  private pendingBreaks = 0;

  text(s: string, pre: boolean): void {
    const parts = (pre ? s : s.replace(/[ \t\r\n\f]+/g, ' ')).split('\n');
    parts.forEach((part, i) => {
      if (i > 0) this.br();
      if (!part) return;
      this.flush();
      const last = this.lines.length - 1;
      // Collapsed white space: no space at the start of a line, none doubled.
      const chunk = !pre && (this.lines[last] === '' || this.lines[last]!.endsWith(' ')) ? part.replace(/^ /, '') : part;
      this.lines[last] += chunk;
    });
  }

  br(): void {
    this.flush();
    this.lines.push('');
  }

  /** Ask for the next text to start on a new line (`blank`: after an empty line). */
  block(blank = false): void {
    const want = blank ? 2 : 1;
    if (this.lines.length === 1 && this.lines[0] === '') return;
    this.pendingBreaks = Math.max(this.pendingBreaks, want);
  }

  private flush(): void {
    if (!this.pendingBreaks) return;
    const last = this.lines.length - 1;
    let need = this.pendingBreaks - (this.lines[last]!.trim() === '' ? 1 : 0);
    if (this.lines[last]!.trim() === '') this.lines[last] = '';
    while (need-- > 0) this.lines.push('');
    this.pendingBreaks = 0;
  }
}

function walk(nodes: readonly AnyNode[], out: TextBuilder, pre: boolean): void {
  for (const node of nodes) {
    if (node.type === 'text') {
      out.text((node as unknown as { data: string }).data, pre);
      continue;
    }
    if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
    const el = node as Element;
    const name = el.name.toLowerCase();
    if (SKIP.has(name)) continue;
    if (name === 'br') {
      out.br();
      continue;
    }
    if (name === 'blockquote') {
      out.block();
      const inner = new TextBuilder();
      walk(el.children, inner, pre);
      const lines = inner.lines.join('\n').replace(/^\n+|\n+$/g, '').split('\n');
      for (const [i, line] of lines.entries()) {
        if (i > 0) out.br();
        out.text(line ? `> ${line}` : '>', true);
      }
      out.block(true);
      continue;
    }
    const block = BLOCK.has(name);
    if (block) out.block();
    if (name === 'li') out.text('- ', true);
    if (name === 'hr') out.text('----', true);
    if (name === 'td' || name === 'th') out.text(' ', false);
    walk(el.children, out, pre || name === 'pre');
    if (name === 'a') {
      const href = el.attribs.href?.trim() ?? '';
      const text = el.children.map((c) => (c.type === 'text' ? (c as unknown as { data: string }).data : '')).join('').trim();
      const shown = href.replace(/^mailto:/i, '');
      if (/^(https?:|mailto:)/i.test(href) && shown !== text && href !== text) out.text(` <${shown}>`, false);
    }
    if (block) out.block(PARAGRAPH.has(name));
  }
}

/** The text of these nodes (a whole parsed document, or part of one). */
export function domToText(nodes: readonly AnyNode[]): string {
  const out = new TextBuilder();
  walk(nodes, out, false);
  return out.lines
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
