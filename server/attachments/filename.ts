export const MAX_FILENAME_LENGTH = 200;

/**
 * The name an upload is stored and offered under: no directories (either slash), no
 * control or bidirectional-override characters (which can disguise an extension), at
 * most 200 characters with the extension kept.
 */
export function sanitizeFilename(raw: string): string {
  const base = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim().replace(/^\.+/, '');
  const chars = Array.from(clean || 'file');
  if (chars.length <= MAX_FILENAME_LENGTH) return chars.join('');
  const dot = chars.lastIndexOf('.');
  const ext = dot > 0 && chars.length - dot <= 16 ? chars.slice(dot) : [];
  return [...chars.slice(0, MAX_FILENAME_LENGTH - ext.length), ...ext].join('');
}
