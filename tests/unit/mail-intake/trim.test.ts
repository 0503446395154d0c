import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { htmlReplyText } from '../../../server/mail-intake/html-reply';
import { replyContent } from '../../../server/mail-intake/reply-content';
import { plainReply, trimReply } from '../../../server/mail-intake/reply-trim';

const trimHtml = (html: string) => trimReply(htmlReplyText(html).text);

describe('plain-text reply trimming', () => {
  it.each([
    ['English', 'On Mon, Nov 2, 2026 at 10:00 AM Taylor Tech <tech@demo-msp.test> wrote:'],
    ['English, wrapped over two lines', 'On Mon, Nov 2, 2026 at 10:00 AM Taylor Tech <\ntech@demo-msp.test> wrote:'],
    ['German', 'Am 02.11.2026 um 10:00 schrieb Taylor Tech <tech@demo-msp.test>:'],
    ['French', 'Le lun. 2 nov. 2026 à 10:00, Taylor Tech <tech@demo-msp.test> a écrit :'],
    ['Spanish', 'El lun, 2 nov 2026 a las 10:00, Taylor Tech (<tech@demo-msp.test>) escribió:'],
    ['Dutch', 'Op ma 2 nov. 2026 om 10:00 schreef Taylor Tech <tech@demo-msp.test>:'],
    ['Italian', 'Il giorno lun 2 nov 2026 alle ore 10:00 Taylor Tech <tech@demo-msp.test> ha scritto:'],
    ['Portuguese', 'Em seg., 2 de nov. de 2026 às 10:00, Taylor Tech <tech@demo-msp.test> escreveu:'],
  ])('cuts an "On ... wrote:" quote (%s)', (_lang, header) => {
    expect(trimReply(`Thanks, that fixed it.\n\n${header}\n\n> Please restart the spooler.\n> Taylor\n`)).toBe('Thanks, that fixed it.');
  });

  it.each([
    ['English', 'From: Taylor Tech <tech@demo-msp.test>\nSent: Monday, November 2, 2026 10:00 AM\nTo: Sam <sam@acme.test>\nSubject: RE: Printer'],
    ['German', 'Von: Taylor Tech <tech@demo-msp.test>\nGesendet: Montag, 2. November 2026 10:00\nAn: Sam <sam@acme.test>\nBetreff: AW: Drucker'],
    ['French', 'De : Taylor Tech <tech@demo-msp.test>\nEnvoyé : lundi 2 novembre 2026 10:00\nÀ : Sam <sam@acme.test>\nObjet : RE: Imprimante'],
    ['Spanish', 'De: Taylor Tech <tech@demo-msp.test>\nEnviado el: lunes, 2 de noviembre de 2026 10:00\nPara: Sam <sam@acme.test>\nAsunto: RE: Impresora'],
    ['Dutch', 'Van: Taylor Tech <tech@demo-msp.test>\nVerzonden: maandag 2 november 2026 10:00\nAan: Sam <sam@acme.test>\nOnderwerp: RE: Printer'],
    ['Italian', 'Da: Taylor Tech <tech@demo-msp.test>\nInviato: lunedì 2 novembre 2026 10:00\nA: Sam <sam@acme.test>\nOggetto: R: Stampante'],
    ['Portuguese', 'De: Taylor Tech <tech@demo-msp.test>\nEnviada em: segunda-feira, 2 de novembro de 2026 10:00\nPara: Sam <sam@acme.test>\nAssunto: RE: Impressora'],
  ])('cuts an Outlook header block (%s) and the line above it', (_lang, block) => {
    expect(trimReply(`Done, thank you.\n\n________________________________\n${block}\n\nPlease restart the spooler.`)).toBe('Done, thank you.');
  });

  it.each(['-----Original Message-----', '----- Original Message -----', '-----Ursprüngliche Nachricht-----', "-----Message d'origine-----", '-----Mensaje original-----'])(
    'cuts at "%s"',
    (line) => {
      expect(trimReply(`Yes please.\n\n${line}\nFrom: tech@demo-msp.test\nShall I order it?`)).toBe('Yes please.');
    },
  );

  it('cuts our own "reply above this line" marker and the attribution over it', () => {
    const body = 'Works now.\n\nOn Mon, 2 Nov 2026, Demo MSP <support@portico.localhost> wrote:\n\n> ##- Please type your reply above this line -##\n>\n> Taylor Tech replied to your ticket.';
    expect(trimReply(body)).toBe('Works now.');
    expect(trimReply('Works now.\n\n##- Please type your reply above this line -##\n\nTaylor Tech replied.')).toBe('Works now.');
  });

  it('cuts "-- " signatures and mobile signatures', () => {
    expect(trimReply('See you then.\n\n-- \nSam Standard\nAcme Dental | +1 555 0100\n')).toBe('See you then.');
    expect(trimReply('See you then.\n\nSent from my iPhone')).toBe('See you then.');
    expect(trimReply('Bis dann.\n\nVon meinem iPhone gesendet\n\nAm 02.11.2026 um 10:00 schrieb Taylor <t@x.test>:\n> Hallo')).toBe('Bis dann.');
    // Only a signature line at the very end is one.
    expect(trimReply('Sent from my iPhone, the error shows too.\nAnd on the desktop.')).toBe('Sent from my iPhone, the error shows too.\nAnd on the desktop.');
  });

  it('keeps inline answers with the questions they answer, and drops the "On ... wrote:" line and the trailing quote', () => {
    const body = [
      'Answers below.',
      '',
      'On Mon, Nov 2, 2026 at 10:00 AM Taylor Tech <tech@demo-msp.test> wrote:',
      '> Which printer is it?',
      'The one at reception.',
      '',
      '> Does it show an error?',
      'Yes, "paper jam".',
      '',
      '> Thanks,',
      '> Taylor',
    ].join('\n');
    expect(trimReply(body)).toBe(
      ['Answers below.', '', '> Which printer is it?', 'The one at reception.', '', '> Does it show an error?', 'Yes, "paper jam".'].join('\n'),
    );
  });

  it('keeps a reply written below the quote (bottom posting) without the quote', () => {
    expect(trimReply('On 02/11/2026 10:00, Taylor Tech wrote:\n> Is it fixed?\nYes, all good.')).toBe('Yes, all good.');
  });

  it('leaves a message without quotes alone, and returns nothing for a message that is all quote', () => {
    expect(trimReply('Line one.\n\nLine two: with a colon.')).toBe('Line one.\n\nLine two: with a colon.');
    expect(trimReply('> only a quote\n> nothing else')).toBe('');
  });

  // Every pattern is anchored or bounded and runs on one line (or a join of three), so the
  // work grows with the body's size. The bound is generous: these take well under a second.
  it.each([
    ['one 1 MB line', 'a'.repeat(1 << 20)],
    ['a 1 MB line of decoration', '-'.repeat(1 << 20)],
    ['a 1 MB line of "wrote"', ' wrote'.repeat(180_000)],
    ['"On ... wrote:" lines', 'On a a a a a a a a a a a a wrote\n'.repeat(32_000)],
    ['header lines', 'From: x\nTo: y\n'.repeat(75_000)],
    ['alternating quotes and answers', '> q\nt\n'.repeat(170_000)],
    ['wrapped attribution halves', 'On Tue <\nx@y> wrote:\n'.repeat(48_000)],
    ['long lines of verbs ending in a colon', `${'schrieb '.repeat(37)}:\n`.repeat(3_500)],
    ['banners', '--- x ---\n'.repeat(100_000)],
    ['long quoted lines with tails', `> ${'a'.repeat(70)}\nb\n`.repeat(14_000)],
  ])('finishes on a hostile 1 MB body: %s', (_shape, body) => {
    expect(body.length).toBeGreaterThanOrEqual(1_000_000);
    const start = performance.now();
    expect(typeof trimReply(body)).toBe('string');
    expect(performance.now() - start).toBeLessThan(10_000);
  }, 60_000);
});

describe('HTML reply trimming', () => {
  const dir = fileURLToPath(new URL('../../fixtures/mail-corpus/talon-html-replies/', import.meta.url));
  it.each(readdirSync(dir))('%s (talon corpus) keeps the reply and drops the quote', (file) => {
    const out = trimHtml(readFileSync(`${dir}${file}`, 'utf8'));
    expect(out.replace(/\n+/g, ' ')).toBe('Hi. I am fine. Thanks, Alex');
  });

  it('Gmail: .gmail_quote and .gmail_signature', () => {
    const html = '<div dir="ltr">Fixed, thanks!<br><div class="gmail_signature">Sam | Acme</div></div><br><div class="gmail_quote"><div class="gmail_attr">On Mon, Nov 2, 2026 Taylor wrote:<br></div><blockquote class="gmail_quote">Please restart.</blockquote></div>';
    expect(trimHtml(html)).toBe('Fixed, thanks!');
  });

  it('Gmail inline reply: answers between quotes are kept with their questions', () => {
    const html =
      '<div>See below.</div><div class="gmail_quote"><div class="gmail_attr">On Mon, Nov 2, 2026 Taylor wrote:</div><blockquote class="gmail_quote">Which printer?</blockquote><div>Reception.</div><blockquote class="gmail_quote">Thanks, Taylor</blockquote></div>';
    expect(trimHtml(html)).toBe('See below.\n> Which printer?\n\nReception.');
  });

  it('Outlook: everything from #divRplyFwdMsg (and the rule above it) or #appendonsend on', () => {
    const owa = '<div>Approved.</div><hr style="display:inline-block"><div id="divRplyFwdMsg"><b>From:</b> Taylor<br><b>Sent:</b> Monday</div><div>Can I order it?</div>';
    expect(trimHtml(owa)).toBe('Approved.');
    const desktop = '<div><p>Approved.</p><div id="appendonsend"></div><div><p>Quoted text here</p></div></div><p>more quoted</p>';
    expect(trimHtml(desktop)).toBe('Approved.');
  });

  it('Yahoo (.yahoo_quoted), Apple Mail (blockquote type=cite), Thunderbird (.moz-cite-prefix)', () => {
    expect(trimHtml('<div>Yes.</div><div class="yahoo_quoted"><div>On Monday, Taylor wrote:</div><div>Shall I?</div></div>')).toBe('Yes.');
    expect(trimHtml('<div>Yes.</div><div><br><blockquote type="cite"><div>On 2 Nov 2026, at 10:00, Taylor wrote:</div><div>Shall I?</div></blockquote></div>')).toBe('Yes.');
    expect(trimHtml('<p>Yes.</p><div class="moz-cite-prefix">On 02.11.2026 10:00, Taylor wrote:<br></div><blockquote type="cite">Shall I?</blockquote><pre class="moz-signature">-- Sam</pre>')).toBe('Yes.');
  });

  it('collects the cid: images the kept reply shows, not those of the quote', () => {
    const html = '<p>Here: <img src="cid:shot1@x"></p><div id="appendonsend"></div><p><img src="cid:logo@x"></p>';
    expect(htmlReplyText(html).cids).toEqual(['shot1@x']);
  });
});

describe('HTML as comment text', () => {
  it('keeps lines, lists, links and pre-formatted text readable', () => {
    const html = '<p>Steps:</p><ol><li>Open <a href="https://portal.test/help">the help page</a></li><li>Mail <a href="mailto:it@acme.test">it@acme.test</a></li></ol><pre>C:\\&gt; ipconfig\n  IPv4 10.0.0.5</pre><p>Line one<br>Line   two &amp; more</p>';
    expect(trimHtml(html)).toBe('Steps:\n\n- Open the help page <https://portal.test/help>\n- Mail it@acme.test\n\nC:\\> ipconfig\n  IPv4 10.0.0.5\n\nLine one\nLine two & more');
  });
});

describe('plainReply: what intake keeps of a plain-text body', () => {
  it('keeps the trimmed reply', () => {
    expect(plainReply('Fixed.\r\n\r\nOn Mon, Nov 2, 2026 at 10:00 AM Taylor <t@x.test> wrote:\r\n> Restart it.')).toEqual({ body: 'Fixed.', trimmed: true });
  });

  it('is never empty: a reply that only quotes, or only forwards, keeps its whole text', () => {
    const quote = 'On Mon, Nov 2, 2026 at 10:00 AM Taylor <t@x.test> wrote:\r\n> Restart it.\r\n';
    expect(plainReply(quote)).toEqual({ body: 'On Mon, Nov 2, 2026 at 10:00 AM Taylor <t@x.test> wrote:\n> Restart it.', trimmed: false });
    const fwd = '---------- Forwarded message ---------\nFrom: Vendor <v@vendor.test>\nDate: Mon, Nov 2, 2026\nSubject: Licence\nTo: sam@acme.test\n\nYour licence expires.';
    expect(plainReply(fwd)).toEqual({ body: fwd, trimmed: false });
    expect(replyContent({ text: fwd, html: null, subject: 'Re: Licence' }, 'reply')).toMatchObject({ body: fwd, trimmed: false });
  });
});

describe('replyContent', () => {
  it('uses the plain part when the HTML part says something else', () => {
    expect(replyContent({ text: 'Hello\n\n> Hi', html: '<p>Something else entirely</p>', subject: 'Re: x' }, 'reply').body).toBe('Hello');
    expect(replyContent({ text: 'Hello\n\n> Hi', html: '<p>Hello</p><blockquote>Hi</blockquote>', subject: 'Re: x' }, 'reply').body).toBe('Hello');
  });

  it('keeps a forward to the support address whole, and keeps the whole text when trimming leaves nothing', () => {
    const fwd = 'See below.\n\n---------- Forwarded message ---------\nFrom: Vendor <v@vendor.test>\nDate: Mon\nSubject: Licence\nTo: sam@acme.test\n\nYour licence expires.';
    expect(replyContent({ text: fwd, html: null, subject: 'Fwd: Licence' }, 'new').body).toContain('Your licence expires.');
    expect(replyContent({ text: fwd, html: null, subject: 'Re: Licence' }, 'reply').body).toBe('See below.');
    expect(replyContent({ text: '> just a quote', html: null, subject: 'Re' }, 'reply')).toMatchObject({ body: '> just a quote', trimmed: false });
  });
});
