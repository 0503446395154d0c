import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../server/core/logger';
import { createMailParser } from '../../../server/mail-intake/mail-parser';
import { parseMail } from '../../../server/mail-intake/parse-message';
import { replyContents } from '../../../server/mail-intake/reply-content';

/*
 * Intake parses mail in a worker thread: what comes back must be what parsing on the main
 * thread gives, attachments included (they cross the thread as plain bytes).
 */

const CORPUS = join(import.meta.dirname, '../../fixtures/mail-corpus');
const corpus = ['talon-standard-replies', 'talon-html-replies'].flatMap((d) =>
  readdirSync(join(CORPUS, d))
    .filter((f) => f.endsWith('.eml'))
    .map((f) => join(CORPUS, d, f)),
);

const WITH_FILES = Buffer.from(
  [
    'From: Sam <sam@acme-dental.test>',
    'Subject: Fwd: the log',
    'Message-ID: <files-1@client.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Here is the log. Grüße',
    '--b',
    'Content-Type: application/pdf; name="log.pdf"',
    'Content-Disposition: attachment; filename="log.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.7 a log').toString('base64'),
    '--b--',
    '',
  ].join('\r\n'),
);

const parser = createMailParser(createLogger('silent'));
afterAll(() => parser.close());

describe('parsing in a worker thread', () => {
  it('starts, and gives what parsing here gives', async () => {
    expect(await parser.ready()).toBe(true);
    for (const raw of [...corpus.map((f) => readFileSync(f)), WITH_FILES]) {
      const here = await parseMail(raw);
      const there = await parser.parse(raw);
      expect(there.contents).toEqual(replyContents(here));
      const { attachments, ...rest } = there.mail;
      const { attachments: hereFiles, ...hereRest } = here;
      expect(rest).toEqual(hereRest);
      expect(attachments.map((a) => [a.filename, a.contentType, a.size, Buffer.isBuffer(a.content) && a.content.equals(hereFiles.find((h) => h.filename === a.filename)!.content)])).toEqual(
        hereFiles.map((h) => [h.filename, h.contentType, h.size, true]),
      );
    }
    expect(corpus.length).toBeGreaterThan(10);
  });

  it('reads the attachment and the forward as intake uses them', async () => {
    const { mail, contents } = await parser.parse(WITH_FILES);
    expect(mail.attachments[0]!.content.toString()).toBe('%PDF-1.7 a log');
    expect(contents.reply.body).toBe('Here is the log. Grüße');
    // A forward to the support address keeps the whole text, untrimmed.
    expect(contents.new).toMatchObject({ body: 'Here is the log. Grüße', trimmed: false });
    expect(contents.reply.trimmed).toBe(true);
  });
});
