import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { plainReply } from '../../../server/mail-intake/reply-trim';
import { evaluateTrimCorpus, foldWhitespace, type TTrimCase } from '../../../scripts/lib/trim-eval';

/*
 * The reply trimmer over every corpus in tests/fixtures/trim-corpus (emails/NAME.txt, the
 * expected result in trimmed/NAME.txt): talon's, GitHub's and Crisp's real replies with
 * their projects' expectations, and our own set written to cover each kind of reply the
 * portal must read. Every file must come out exact, except the few listed below where the
 * upstream expectation contradicts the portal's rules.
 */

const ROOT = fileURLToPath(new URL('../../fixtures/trim-corpus/', import.meta.url));
const CORPORA = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/**
 * Files whose upstream expectation the portal deliberately does not follow: what it keeps
 * instead, as a change to that expectation, and why.
 */
const DISAGREEMENTS: Record<string, { why: string; keeps: (upstream: string) => string }> = {
  // Talon's reply_text files hold what the person typed, signature included; the portal drops
  // device lines and "-- " signatures (talon's own README allows it).
  'talon/iphone': { why: '"Sent from my iPhone" is a device line, dropped', keeps: () => 'Hello' },
  'talon/sparrow': { why: 'the "-- " signature is dropped', keeps: () => 'Hello' },
  // GitHub's parser hides any paragraph that starts with "-" followed by a letter as a
  // signature; a "-Name" sign-off is what the person typed (Crisp's copies of these mails,
  // email_1 and email_3, keep it).
  'github/email_1_1': { why: 'the "-Abhishek Kona" sign-off is kept', keeps: (e) => `${e}\n\n-Abhishek Kona` },
  'github/email_1_3': { why: 'the "-Abhishek Kona" sign-off is kept', keeps: (e) => `${e}\n\n-Abhishek Kona` },
  'github/email_long_quote': { why: 'the "-Abhishek Kona" sign-off is kept', keeps: (e) => `${e}\n\n-Abhishek Kona` },
  // An inline reply keeps the quotes it answers but not the "On ... wrote:" line above them.
  'github/email_1_2': { why: 'inline reply: no "On ... wrote:" line', keeps: (e) => e.replace(/^On .* wrote:\n/m, '') },
  'github/email_1_8': { why: 'inline reply: no "On ... wrote:" line', keeps: (e) => e.replace(/^On .*wrote:\n\n/m, '') },
  // Crisp hides a "Regards," block; a sign-off is what the person typed (only "-- "
  // signatures and device lines are cut).
  'crisp/email_with_regards': { why: 'the "Regards, John Doe" sign-off is kept', keeps: (e) => `${e}\n\nRegards,\n\nJohn Doe\nCEO @ Acme !` },
};

const results = new Map(CORPORA.map((c) => [c, evaluateTrimCorpus(join(ROOT, c))]));
const caseOf = (key: string): TTrimCase => {
  const [corpus, name] = key.split('/');
  const found = results.get(corpus!)?.cases.find((c) => c.name === name);
  if (!found) throw new Error(`no fixture ${key}`);
  return found;
};

/** Checks one file against its expectation (or the portal's, where it disagrees). */
function expectKept(key: string): void {
  const c = caseOf(key);
  const disagreement = DISAGREEMENTS[key];
  if (!disagreement) {
    expect(foldWhitespace(c.kept), key).toBe(foldWhitespace(c.expected));
    return;
  }
  expect(c.exact, `${key} now meets the upstream expectation: drop it from DISAGREEMENTS`).toBe(false);
  expect(foldWhitespace(c.kept)).toBe(foldWhitespace(disagreement.keeps(c.expected.trimEnd())));
}

describe('reply trimming over the fixture corpora', () => {
  it('has the four corpora, each with its licence', () => {
    expect(CORPORA).toEqual(['crisp', 'github', 'portico', 'talon']);
    for (const c of CORPORA) expect(readFileSync(join(ROOT, c, 'LICENSE'), 'utf8')).toMatch(/licen[cs]e/i);
  });

  describe.each(CORPORA)('%s', (corpus) => {
    const { cases, empty } = results.get(corpus)!;
    it('leaves no comment empty', () => expect(empty).toBe(0));
    it.each(cases.map((c) => c.name))('%s', (name) => expectKept(`${corpus}/${name}`));
  });

  it('lists only files that exist', () => {
    for (const key of Object.keys(DISAGREEMENTS)) expect(() => caseOf(key)).not.toThrow();
  });
});

/** Real messages (and, where the corpora have none, ours) for each kind of reply the portal must read. */
const KINDS: Record<string, string[]> = {
  '"On ... wrote:" wrapped over two or three lines, with <mailto:> parts, any order, no "On", any date format': [
    'github/email_1_6', 'github/email_1_7', 'github/pathological', 'crisp/email_gmail_split_line_from', 'crisp/email_thread',
    'crisp/email_sent_from', 'crisp/email_en_multiline_2', 'crisp/email_24', 'crisp/email_reply_header', 'crisp/email_tricky_10_special_chars_in_name',
    'crisp/email_unquoted_reply', 'talon/android', 'talon/thunderbird', 'portico/attribution-no-on', 'portico/attribution-no-on-address-only',
    'portico/attribution-address-first', 'portico/attribution-mailto-wrapped', 'portico/attribution-claws-two-lines', 'portico/attribution-yahoo',
  ],
  'the same header in other languages, and date-only lines': [
    'crisp/email_german', 'crisp/email_25', 'crisp/email_fr_multiline', 'crisp/email_8', 'crisp/email_7', 'crisp/email_italian',
    'crisp/email_portuguese', 'crisp/email_norwegian_gmail', 'crisp/email_14', 'crisp/email_16', 'crisp/email_17', 'crisp/email_russian',
    'crisp/email_finnish', 'crisp/email_custom_quote_header', 'crisp/email_22', 'crisp/email_23', 'crisp/email_26', 'crisp/email_tricky_5_mixed_languages',
    'portico/lang-de-gmail-schrieb-am', 'portico/lang-es-gmail-wrapped', 'portico/lang-da-apple', 'portico/lang-sv', 'portico/lang-ja-gmail',
    'portico/lang-zh-gmail', 'portico/lang-ru-thunderbird', 'portico/date-only-line-above-quote',
  ],
  'Outlook header blocks: stars, after underscores or dashes, translated': [
    'github/email_2_1', 'github/email_2_2', 'github/email_2_3', 'crisp/email_10', 'crisp/email_11', 'crisp/email_12', 'crisp/email_13',
    'crisp/email_18', 'crisp/email_german_2', 'crisp/email_msn', 'crisp/email_outlook_split_line_from', 'crisp/email_9',
    'crisp/email_customer_quote_header_2', 'crisp/email_customer_quote_header_3', 'talon/outlook', 'portico/outlook-block-stars-german',
    'portico/outlook-block-es', 'portico/outlook-block-ja',
  ],
  '"Original Message" in any decoration, Zoho\'s "---- On ... wrote ----", forwards': [
    'talon/aol', 'talon/comcast', 'talon/yahoo', 'crisp/email_original_message', 'crisp/email_original_message_2', 'crisp/email_danish_dash_separator',
    'crisp/email_french_dash_separator', 'crisp/email_german_outlook', 'crisp/email_tricky_15_original_message_variations', 'crisp/email_zoho',
    'crisp/email_tricky_17_forward_header', 'portico/forward-apple-with-note', 'portico/banner-zoho', 'portico/banner-original-message-thunderbird',
  ],
  'signatures and device lines in many languages, tracking glyphs': [
    'github/email_iPhone', 'github/email_BlackBerry', 'github/email_multi_word_sent_from_my_mobile_device', 'github/correct_sig', 'crisp/sig_no_empty_line',
    'crisp/email_15', 'crisp/email_german_3', 'crisp/email_ios_outlook', 'crisp/email_ios_outlook_fr', 'crisp/email_sent_from', 'talon/iphone',
    'talon/sparrow', 'portico/device-fr-iphone', 'portico/device-de-mobilgeraet', 'portico/device-es', 'portico/device-da-ipad',
    'portico/device-k9-german-signature', 'portico/device-outlook-mobile', 'portico/device-get-outlook-ios', 'portico/tracking-glyph-mailtrack',
    'portico/tracking-glyph-end',
  ],
  'inline replies: the answers and the quotes they answer, no "On ... wrote:" line': [
    'github/email_1_8', 'github/email_1_2', 'crisp/email_2', 'crisp/email_tricky_18_inline_reply', 'crisp/email_tricky_19_quote_without_header',
    'portico/inline-gmail', 'portico/inline-thunderbird-tight', 'portico/inline-nested',
  ],
  'text that only looks like a header or signature stays': [
    'github/email_1_5', 'github/greedy_on', 'github/email_sent_from_my_not_signature', 'github/email_sig_delimiter_in_middle_of_line',
    'crisp/email_tricky_1_on_false_positive', 'crisp/email_tricky_2_url_with_wrote', 'crisp/email_tricky_3_code_block', 'crisp/email_tricky_4_from_in_body',
    'crisp/email_tricky_7_multiple_dashes', 'crisp/email_tricky_8_sent_from_in_content', 'crisp/email_tricky_13_timestamp_variations', 'crisp/email_21',
    'crisp/email_emoji', 'portico/keep-headers-in-text', 'portico/keep-sent-from-sentence',
  ],
};

describe('each kind of reply', () => {
  it.each(Object.entries(KINDS))('%s', (_kind, keys) => {
    for (const key of keys) expectKept(key);
  });

  it.each(['portico/quote-only', 'portico/quote-only-iphone', 'portico/forward-only-gmail', 'portico/forward-only-outlook', 'portico/forward-only-apple'])(
    'quote-only or forward-only: %s keeps its whole text',
    (key) => {
      const [corpus, name] = key.split('/');
      const body = readFileSync(join(ROOT, corpus!, 'emails', `${name}.txt`), 'utf8');
      expect(plainReply(body)).toEqual({ body: body.trim(), trimmed: false });
      expectKept(key);
    },
  );
});
