import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText, pickCharset } from '../../../server/mail-intake/charset-decode';
import { fixHeaderLine, headerCharsetOf } from '../../../server/mail-intake/mime-charsets';
import { parseMail } from '../../../server/mail-intake/parse-message';

/*
 * The charset decoder over real byte sequences: the Big5 bytes of Discourse's big5.eml, the
 * Japanese of Zammad's mail091 fixture, and the words of the report (a GB2312 file
 * name, a Shift_JIS word), encoded with iconv-lite where no fixture carries them raw.
 */

const BIG5_EML = readFileSync(fileURLToPath(new URL('../../fixtures/mail/discourse/big5.eml', import.meta.url)));
/** The base64 text part of Discourse's big5.eml, as bytes. */
const BIG5_BYTES = Buffer.from('tv2hSafapFe5cbX4pEahSQ0K', 'base64');
const JAPANESE = 'このアドレスへのメルマガを解除してください。';

describe('decodeText', () => {
  it('valid UTF-8 comes first, whatever the label says (a Big5 label on UTF-8 text)', () => {
    expect(decodeText(Buffer.from('媽！我上電視了！'), 'big5')).toBe('媽！我上電視了！');
    expect(decodeText(Buffer.from('Grüße'), 'iso-8859-1')).toBe('Grüße');
  });

  it('the declared charset when it decodes cleanly', () => {
    expect(decodeText(BIG5_BYTES, 'Big5')).toBe('媽！我上電視了！\r\n');
    expect(decodeText(iconv.encode('Grüße aus Köln', 'latin1'), 'ISO-8859-1')).toBe('Grüße aus Köln');
    expect(decodeText(iconv.encode(JAPANESE, 'euc-jp'), 'euc-jp')).toBe(JAPANESE);
  });

  it('detected when nothing is declared, or the label does not fit', () => {
    expect(decodeText(iconv.encode('ツール', 'shift_jis'), null)).toBe('ツール');
    expect(decodeText(iconv.encode(JAPANESE, 'shift_jis'), null)).toBe(JAPANESE);
    expect(decodeText(iconv.encode('绩效管理.xls', 'gb2312'), null)).toBe('绩效管理.xls');
    expect(decodeText(iconv.encode('转发：绩效管理办法', 'gbk'), 'utf-8')).toBe('转发：绩效管理办法');
    expect(decodeText(BIG5_BYTES, null)).toBe('媽！我上電視了！\r\n');
    expect(decodeText(iconv.encode('Привет, как дела?', 'koi8-r'), null)).toBe('Привет, как дела?');
    // Labelled Shift_JIS, written in GBK: the label gives U+FFFD, detection does not.
    expect(decodeText(iconv.encode('转发：绩效管理办法', 'gbk'), 'shift_jis')).toBe('转发：绩效管理办法');
  });

  it('ISO-2022-JP (7-bit, which iconv-lite lacks) is decoded as declared', () => {
    const jis = Buffer.from('\x1b$B%a%k%^%,2r=|\x1b(B', 'latin1'); // メルマガ解除, the subject of Zammad's mail091
    expect(decodeText(jis, 'iso-2022-jp')).toBe('メルマガ解除');
    expect(pickCharset(Buffer.from('plain ascii'), 'iso-2022-jp')).toBe('iso-2022-jp');
  });

  it('never returns U+FFFD where some charset reads the bytes cleanly', () => {
    for (const [text, charset] of [
      ['绩效管理', 'gb2312'],
      ['ツールの件です', 'shift_jis'],
      ['媽！我上電視了！', 'big5'],
      [JAPANESE, 'euc-jp'],
      ['Zażółć gęślą jaźń', 'iso-8859-2'],
    ] as const) {
      expect(decodeText(iconv.encode(text, charset), 'utf-8')).not.toContain('\uFFFD');
    }
  });
});

describe('header lines', () => {
  it('raw 8-bit header text becomes UTF-8 encoded words that decode to the text', () => {
    const line = Buffer.concat([Buffer.from('Subject: '), iconv.encode('转发：绩效管理办法', 'gbk')]).toString('latin1');
    const fixed = fixHeaderLine(line, 'gb18030');
    expect(fixed).toMatch(/^Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    expect(Buffer.from(/\?B\?(.*)\?=/.exec(fixed)![1]!, 'base64').toString('utf8')).toBe('转发：绩效管理办法');
  });

  it('an encoded word whose bytes do not fit its charset is rewritten; one that fits is left alone', () => {
    const wrong = `Subject: =?utf-8?B?${iconv.encode('绩效管理', 'gbk').toString('base64')}?=`;
    expect(fixHeaderLine(wrong, null)).toBe(`Subject: =?UTF-8?B?${Buffer.from('绩效管理').toString('base64')}?=`);
    const right = 'Subject: =?ISO-8859-1?Q?R=E9ponse?=';
    expect(fixHeaderLine(right, null)).toBe(right);
  });

  it('the header charset of a message is chosen over all its raw 8-bit header text, the body charset preferred on a tie', () => {
    const raw = Buffer.concat([Buffer.from('Subject: '), iconv.encode('ツール', 'shift_jis'), Buffer.from('\r\nContent-Type: text/plain; charset=shift_jis\r\n\r\nx\r\n')]);
    expect(headerCharsetOf(raw)?.toLowerCase()).toBe('shift_jis');
    expect(headerCharsetOf(BIG5_EML)).toBeNull();
  });
});

describe('parseMail', () => {
  it('reads the Big5 fixture as written, and a GBK file name and subject sent raw', async () => {
    const big5 = await parseMail(BIG5_EML);
    expect(big5.text).toBe('媽！我上電視了！\n');
    const raw = Buffer.concat([
      Buffer.from('From: a@client.test\r\nSubject: '),
      iconv.encode('转发：绩效管理办法', 'gbk'),
      Buffer.from('\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=gbk\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
      iconv.encode('请查收附件。', 'gbk'),
      Buffer.from('\r\n--b\r\nContent-Type: application/vnd.ms-excel\r\nContent-Disposition: attachment; filename="'),
      iconv.encode('绩效管理.xls', 'gb2312'),
      Buffer.from('"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--b--\r\n'),
    ]);
    const m = await parseMail(raw);
    expect(m.subject).toBe('转发：绩效管理办法');
    expect(m.text?.trim()).toBe('请查收附件。');
    expect(m.attachments.map((a) => a.filename)).toEqual(['绩效管理.xls']);
  });

  it('a body labelled UTF-8 that is GBK (base64) is read again and detected', async () => {
    const raw = `From: a@client.test\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${iconv.encode('请查收附件。', 'gbk').toString('base64')}\r\n`;
    expect((await parseMail(Buffer.from(raw))).text?.trim()).toBe('请查收附件。');
  });
});
