import sanitizeHtml from 'sanitize-html';

/*
 * Mail HTML as staff see it in the console: structure and links only. No scripts, styles,
 * forms, frames or event handlers; links open outside the portal without a referrer;
 * remote images (trackers) are shown as their alt text; a cid: image becomes the stored
 * attachment when there is one.
 */

const ALLOWED_TAGS = [
  'p', 'br', 'div', 'span', 'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'sub', 'sup', 'small', 'font', 'center',
  'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'blockquote', 'pre', 'code', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption', 'a', 'img',
];

export function sanitizeMailHtml(html: string, cidUrls: ReadonlyMap<string, string> = new Map()): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ['href', 'title', 'rel', 'target'], img: ['src', 'alt'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: [] },
    allowProtocolRelative: false,
    nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head', 'xml'],
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' } }),
      img: (_tagName, attribs): sanitizeHtml.Tag => {
        const src = attribs.src ?? '';
        const local = /^cid:/i.test(src) ? cidUrls.get(src.slice(4).replace(/^<|>$/g, '')) : undefined;
        if (local) return { tagName: 'img', attribs: { src: local, alt: attribs.alt ?? '' } };
        return { tagName: 'span', attribs: {} as sanitizeHtml.Attributes, text: attribs.alt ? `[image: ${attribs.alt}]` : '[image]' };
      },
    },
  });
}
