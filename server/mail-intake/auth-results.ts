/*
 * Authentication-Results (RFC 8601), read from a relay the portal trusts: which header
 * fields count, and what they say. Anyone can put such a header in a message, so only the
 * topmost ones carrying the relay's authserv-id are read (the relay adds its own at the top
 * and, as RFC 8601 §5 asks, removes any that arrived claiming its name).
 */

export interface TAuthResult {
  method: string;
  result: string;
  /** "reason" and ptype.property values, e.g. `smtp.mailfrom`, `header.d`, `header.from`, `policy.dmarc`. */
  props: Record<string, string>;
}

/** The header fields of a raw message, in order, unfolded: [lower-case name, value]. */
export function headerFields(raw: Buffer): [string, string][] {
  const text = raw.subarray(0, Math.min(raw.length, 256 * 1024)).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  const fields: [string, string][] = [];
  for (const line of block.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return fields;
}

/** The value without (comments), which may nest; quoted strings are kept as they are. */
function withoutComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      if (!depth) out += c + (value[i + 1] ?? '');
      i++;
    } else if (quoted) {
      out += c;
      if (c === '"') quoted = false;
    } else if (c === '(') depth++;
    else if (c === ')' && depth) depth--;
    else if (!depth) {
      out += c;
      if (c === '"') quoted = true;
    }
  }
  return out;
}

function splitOutsideQuotes(value: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && quoted) {
      cur += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

const unquote = (v: string) => (v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v);

/** One Authentication-Results value: its authserv-id and results, or null when it cannot be read. */
export function parseAuthResults(value: string): { authservId: string; results: TAuthResult[] } | null {
  const [head, ...rest] = splitOutsideQuotes(withoutComments(value), ';');
  const authservId = unquote(head?.trim().split(/\s+/)[0] ?? '').toLowerCase();
  if (!authservId) return null;
  const results: TAuthResult[] = [];
  for (const part of rest) {
    const pairs = [...part.matchAll(/([^\s=]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s"]+)/g)];
    const first = pairs[0];
    if (!first) continue; // "none": no results
    const method = first[1]!.split('/')[0]!.trim().toLowerCase();
    const props: Record<string, string> = {};
    for (const [, key, v] of pairs.slice(1)) props[key!.toLowerCase()] = unquote(v!);
    results.push({ method, result: unquote(first[2]!).toLowerCase(), props });
  }
  return { authservId, results };
}

/**
 * The results the trusted relay wrote: the Authentication-Results fields at the top that
 * carry `authservId`, up to the first one that does not (or none, when the topmost is not
 * the relay's). Fields lower down, or under another name, are the sender's to forge.
 */
export function relayAuthResults(fields: readonly [string, string][], authservId: string): TAuthResult[] | null {
  const id = authservId.toLowerCase();
  const found: TAuthResult[] = [];
  let seen = false;
  for (const [name, value] of fields) {
    if (name !== 'authentication-results') continue;
    const parsed = parseAuthResults(value);
    if (parsed?.authservId !== id) break;
    seen = true;
    found.push(...parsed.results);
  }
  return seen ? found : null;
}
