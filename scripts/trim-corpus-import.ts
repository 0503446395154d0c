import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';

/*
 * npm exec tsx scripts/trim-corpus-import.ts [SHARED_MAIL_CORPUS_DIR]
 *
 * Turns the reply-parser corpora in ../shared/mail-corpus into the eval's folder format,
 * tests/fixtures/trim-corpus/<corpus>/{emails,trimmed}/NAME.txt, with each corpus's licence.
 * The expected results are the ones each upstream project states:
 * - talon: the text part of each .eml; expected "Hello", or NAME_reply_text where present.
 * - github: test/email_reply_parser_test.rb; the visible fragments where a test checks
 *   fragments (visible = not hidden), parse_reply's string where it checks that.
 * - crisp: test/test.js; fragments[0] (trimmed) or getVisibleText() as each test checks.
 * Where an upstream test checks only part of the result (a fragment count, one regex), or no
 * test reads the file, the expectation is the visible reply read by hand and marked "read"
 * below. Where an expectation contradicts the portal's own rules, the file keeps the
 * upstream expectation and tests/unit/mail-intake/trim-corpus.test.ts lists it with the reason.
 */

const SHARED = process.argv[2] ?? fileURLToPath(new URL('../../shared/mail-corpus/', import.meta.url));
const OUT = fileURLToPath(new URL('../tests/fixtures/trim-corpus/', import.meta.url));

/** Lines from..to (1-based, inclusive) of the body, or several such ranges. */
type TExpect = { lines: [number, number] } | { ranges: [number, number][] } | { all: true } | { text: string };

const COMMON_FIRST_FRAGMENT = [
  'Fusce bibendum, quam hendrerit sagittis tempor, dui turpis tempus erat, pharetra sodales ante sem sit amet metus.',
  'Nulla malesuada, orci non vulputate lobortis, massa felis pharetra ex, convallis consectetur ex libero eget ante.',
  'Nam vel turpis posuere, rhoncus ligula in, venenatis orci. Duis interdum venenatis ex a rutrum.',
  'Duis ut libero eu lectus consequat consequat ut vel lorem. Vestibulum convallis lectus urna,',
  'et mollis ligula rutrum quis. Fusce sed odio id arcu varius aliquet nec nec nibh.',
].join('\n');
const common: TExpect = { text: COMMON_FIRST_FRAGMENT };

/** GitHub's email_reply_parser: the test that states each expectation. */
const GITHUB: Record<string, TExpect> = {
  correct_sig: { lines: [1, 1] }, // test_reads_email_with_correct_signature: the "-- " fragment is hidden
  email_1_1: { lines: [1, 5] }, // test_reads_simple_body: "-Abhishek Kona" and the list footer are hidden signatures
  email_1_2: { lines: [1, 34] }, // test_reads_bottom_post: fragments 0-2 visible, the rest hidden
  email_1_3: { lines: [1, 3] }, // test_reads_top_post: only fragment 0 visible
  email_1_4: { lines: [1, 1] }, // test_recognizes_date_string_above_quote
  email_1_5: { all: true }, // test_a_complex_body_with_only_one_fragment
  email_1_6: { lines: [1, 3] }, // test_deals_with_multiline_reply_headers: fragment 0 (no "Sent from my" line)
  email_1_7: { lines: [1, 1] }, // test_deals_with_windows_line_endings
  email_1_8: { lines: [1, 19] }, // test_reads_inline_replies: fragments 0-3 visible
  email_2_1: { lines: [1, 1] }, // test_parse_out_just_top_for_outlook_reply
  email_2_2: { lines: [1, 1] }, // test_parse_out_just_top_for_outlook_with_reply_directly_above_line
  email_2_3: { lines: [1, 1] }, // test_parse_out_just_top_for_outlook_with_no_line
  email_BlackBerry: { lines: [1, 1] }, // test_parse_out_sent_from_BlackBerry
  email_bullets: { lines: [1, 10] }, // test_retains_bullets
  email_iPhone: { lines: [1, 1] }, // test_parse_out_sent_from_iPhone
  email_long_quote: { lines: [1, 8] }, // test_long_quote_processing_completes: 5 fragments, the last two hidden signatures (read)
  email_multi_word_sent_from_my_mobile_device: { lines: [1, 1] }, // test_parse_out_send_from_multiword_mobile_device
  email_one_is_not_on: { lines: [1, 5] }, // test_one_is_not_on
  email_sent_from_my_not_signature: { lines: [1, 3] }, // test_do_not_parse_out_send_from_in_regular_sentence
  email_sig_delimiter_in_middle_of_line: { all: true }, // test_doesnt_remove_signature_delimiter_in_mid_line
  greedy_on: { lines: [1, 6] }, // test_mulitple_on: fragment 0 visible
  pathological: { lines: [1, 2] }, // test_pathological_emails (read)
};

/** Crisp's email-reply-parser: the test in test/test.js, or "read" where none states it. */
const CRISP: Record<string, TExpect> = {
  correct_sig: { lines: [1, 1] }, // test_email_with_correct_signature
  email_1: { lines: [1, 7] }, // test_reads_simple_body: "-Abhishek Kona" kept, the "__" list footer hidden
  email_10: common,
  email_11: common,
  email_12: common,
  email_13: common,
  email_14: common,
  email_15: common,
  email_16: common,
  email_17: common,
  email_18: common,
  email_19: { lines: [1, 3] }, // read (as email_6)
  email_2: { ranges: [[1, 1], [3, 34]] }, // test_reads_bottom_post checks fragments only (read: the inline rule, no "On ... wrote:")
  email_20: { lines: [1, 1] }, // read
  email_21: { all: true }, // read: no quote in it
  email_22: common,
  email_23: common,
  email_24: common,
  email_25: common, // test_email_25: fragments[0]
  email_26: common,
  email_2_1: { lines: [1, 1] }, // read (as GitHub's email_2_1)
  email_3: { lines: [1, 5] }, // test_reads_top_post
  email_4: { lines: [1, 1] }, // test_recognizes_data_string_above_quote
  email_5: { all: true }, // test_complex_body_with_only_one_fragment
  email_6: { lines: [1, 3] }, // test_deals_with_multiline_reply_headers
  email_7: common,
  email_8: common,
  email_9: common,
  email_blackberry: { lines: [1, 1] }, // read
  email_bullets: { lines: [1, 10] }, // read (as GitHub's)
  email_custom_quote_header: { lines: [1, 1] }, // read
  email_customer_quote_header_2: { lines: [1, 1] }, // read
  email_customer_quote_header_3: { lines: [1, 3] }, // read
  email_danish_dash_separator: common,
  email_emoji: { all: true }, // test_email_emoji: getVisibleText() is the whole text
  email_en_multiline_2: common,
  email_finnish: common,
  email_fr_multiline: common,
  email_french_2: common,
  email_french_dash_separator: common,
  email_german: common,
  email_german_2: common,
  email_german_3: common,
  email_german_outlook: common,
  email_gmail_split_line_from: common,
  email_ios_outlook: common,
  email_ios_outlook_fr: common,
  email_iphone: { lines: [1, 1] }, // read
  email_italian: common,
  email_msn: common,
  email_multi_word_sent_from_my_mobile_device: { lines: [1, 1] }, // read
  email_norwegian_gmail: common,
  email_not_a_signature: { all: true }, // test_email_not_a_signature: one fragment
  email_not_a_signature_2: { all: true }, // test_email_not_a_signature_2: one fragment
  email_one_is_not_on: { lines: [1, 5] }, // test_one_is_not_one
  email_original_message: common,
  email_original_message_2: common,
  email_outlook_split_line_from: common,
  email_portuguese: common,
  email_reply_header: { lines: [1, 11] }, // text_email_reply_header: fragment 0 up to "Stranger"; the "--" signature hidden
  email_russian: common,
  email_sent_from: { lines: [1, 1] }, // test_sent_from
  email_sent_from_my_not_signature: { all: true }, // read
  email_thread: { lines: [1, 1] }, // read
  email_tricky_10_special_chars_in_name: common,
  email_tricky_11_double_signature: { lines: [1, 4] }, // read: the "--" signature and "Sent from my iPhone" are signatures
  email_tricky_12_no_space_after_header: common,
  email_tricky_13_timestamp_variations: { all: true }, // one fragment
  email_tricky_14_long_quote_header: common,
  email_tricky_15_original_message_variations: common,
  email_tricky_16_unicode_signatures: { all: true }, // read: as email_emoji, an em-dash block is not a signature delimiter
  email_tricky_17_forward_header: { lines: [1, 1] }, // read: the reply above the forwarded message
  email_tricky_18_inline_reply: { lines: [2, 12] }, // read: an inline reply keeps the quotes it answers, not the "On ... wrote:" line
  email_tricky_19_quote_without_header: { all: true }, // read: answers between quotes
  email_tricky_1_on_false_positive: { all: true }, // one fragment
  email_tricky_20_html_entities: { lines: [1, 3] }, // read
  email_tricky_2_url_with_wrote: { all: true }, // read
  email_tricky_3_code_block: { all: true }, // read
  email_tricky_4_from_in_body: { all: true }, // read
  email_tricky_5_mixed_languages: common,
  email_tricky_6_regards_in_sentence: { all: true }, // read
  email_tricky_7_multiple_dashes: { all: true }, // read
  email_tricky_8_sent_from_in_content: { all: true }, // read
  email_tricky_9_nested_quotes: { lines: [1, 1] }, // read
  email_unquoted_reply: { lines: [1, 1] }, // read
  email_with_regards: { lines: [1, 5] }, // text_email_regards: the "Regards," block is hidden
  email_zoho: { lines: [1, 2] }, // text_email_zoho
  sig_no_empty_line: { lines: [1, 1] }, // test_reads_email_with_signature_with_no_empty_line_above
  // email_with_date_headers, email_with_from_headers: templates ("[DATE]", "[FROM]") for
  // Crisp's custom-header option, not messages; left out.
};

function expected(body: string, e: TExpect): string {
  if ('text' in e) return e.text;
  if ('all' in e) return body;
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  return ('ranges' in e ? e.ranges : [e.lines]).map(([from, to]) => lines.slice(from - 1, to).join('\n')).join('\n');
}

function writeCorpus(name: string, licence: string, items: { name: string; body: string; trimmed: string }[]): void {
  const dir = join(OUT, name);
  rmSync(join(dir, 'emails'), { recursive: true, force: true });
  rmSync(join(dir, 'trimmed'), { recursive: true, force: true });
  mkdirSync(join(dir, 'emails'), { recursive: true });
  mkdirSync(join(dir, 'trimmed'), { recursive: true });
  copyFileSync(licence, join(dir, 'LICENSE'));
  for (const item of items) {
    writeFileSync(join(dir, 'emails', `${item.name}.txt`), item.body);
    writeFileSync(join(dir, 'trimmed', `${item.name}.txt`), `${item.trimmed.trimEnd()}\n`);
  }
  console.log(`${name}: ${items.length} messages`);
}

function fromTable(dir: string, table: Record<string, TExpect>) {
  const files = new Set(readdirSync(dir).map((f) => basename(f, '.txt')));
  for (const name of Object.keys(table)) if (!files.has(name)) throw new Error(`${dir}: no ${name}.txt`);
  return Object.entries(table).map(([name, e]) => {
    const body = readFileSync(join(dir, `${name}.txt`), 'utf8');
    return { name, body, trimmed: expected(body, e) };
  });
}

const talonDir = join(SHARED, 'talon-standard-replies');
const talon = [];
for (const file of readdirSync(talonDir).filter((f) => f.endsWith('.eml')).sort()) {
  const name = basename(file, '.eml');
  const mail = await simpleParser(readFileSync(join(talonDir, file)));
  let trimmed = 'Hello';
  try {
    trimmed = readFileSync(join(talonDir, `${name}_reply_text`), 'utf8');
  } catch {
    // no reply text file: the person typed "Hello"
  }
  talon.push({ name, body: mail.text ?? '', trimmed });
}
writeCorpus('talon', join(SHARED, 'talon-LICENSE'), talon);
writeCorpus('github', join(SHARED, 'github-email-reply-parser/LICENSE'), fromTable(join(SHARED, 'github-email-reply-parser/test/emails'), GITHUB));
writeCorpus('crisp', join(SHARED, 'crisp-email-reply-parser/LICENSE'), fromTable(join(SHARED, 'crisp-email-reply-parser/test/fixtures'), CRISP));
