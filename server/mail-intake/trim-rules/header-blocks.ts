import { classify } from './attribution';
import { decorated, isBlank, isDecoration } from './lines';

/*
 * Where a quoted or forwarded message starts in clients that do not quote with ">": Outlook's
 * header block ("From: / Sent: / To: / Subject:", in the client's language, with or without
 * the stars Gmail puts around bold labels), the "-----Original Message-----" and
 * "---------- Forwarded message ---------" banners in any decoration, Zoho's
 * "---- On ... wrote ----", and Apple Mail's "Begin forwarded message:".
 */

/** Header labels by kind, lower case, in the languages Outlook, Apple Mail, Gmail, Thunderbird and webmail write them. */
const HEADER_KEYS: Record<'from' | 'sent' | 'to' | 'subject' | 'cc', string[]> = {
  from: [
    'from', 'von', 'de', 'van', 'da', 'fra', 'från', 'od', 'от', 'від', 'lähettäjä', 'feladó', 'kimden', 'de la', 'dari', 'από', 'afzender',
    'absender', 'expéditeur', 'remitente', 'mittente', 'remetente', 'avsändare', 'nadawca', 'odesílatel', 'gönderen', '差出人', '发件人',
    '寄件者', '寄件人', '보낸 사람', '보낸사람', 'sender', 'šalje', 'од', 'saatja', 'no', 'nuo', 'frá', 'từ', 'จาก', 'من', 'מאת', 'प्रेषक',
    'daripada',
  ],
  sent: [
    'sent', 'date', 'gesendet', 'datum', 'envoyé', 'envoyé le', 'enviado', 'enviado el', 'enviado em', 'enviada', 'enviada em', 'fecha', 'verzonden',
    'verstuurd', 'inviato', 'data', 'skickat', 'sendt', 'dato', 'wysłano', 'wysłane', 'отправлено', 'дата', 'надіслано', 'lähetetty',
    'päivämäärä', 'elküldve', 'dátum', 'gönderildi', 'tarih', 'trimis', 'dikirim', 'tanggal', 'odesláno', 'στάλθηκε', 'ημερομηνία',
    'message du', '送信日時', '日付', '发送时间', '日期', '寄件日期', '時間', '보낸 날짜', '날짜', 'sent at', 'odoslané', 'poslano', 'изпратено',
    'послато', 'saadetud', 'nosūtīts', 'išsiųsta', 'enviat', 'enviat el', 'đã gửi', 'ส่ง', 'تم الإرسال', 'נשלח', 'भेजा गया', 'dihantar',
  ],
  to: [
    'to', 'an', 'à', 'a', 'para', 'aan', 'til', 'till', 'do', 'кому', 'vastaanottaja', 'címzett', 'kime', 'către', 'kepada', 'komu', 'προς',
    'destinataire', 'destinatario', 'empfänger', '宛先', '收件人', '收件者', '받는 사람', '받는사람', 'prima', 'za', 'до', 'adressaat', 'kam',
    'per a', 'đến', 'ถึง', 'إلى', 'אל', 'प्रति',
  ],
  subject: [
    'subject', 'betreff', 'objet', 'sujet', 'asunto', 'onderwerp', 'oggetto', 'assunto', 'ämne', 'emne', 'temat', 'тема', 'aihe', 'tárgy',
    'konu', 'subiect', 'perihal', 'předmět', 'θέμα', '件名', '主题', '主旨', '제목', 'predmet', 'zadeva', 'относно', 'teema', 'tēma', 'tema',
    'efni', 'chủ đề', 'เรื่อง', 'الموضوع', 'נושא', 'विषय', 'subjek',
  ],
  cc: ['cc', 'bcc', 'kopie', 'copie', 'copie à', 'cópia', 'копия', 'kopio', 'másolat', 'bilgi', 'kopia', 'κοιν', '抄送', '副本', '참조'],
};
export type THeaderKind = keyof typeof HEADER_KEYS;
type TKind = THeaderKind;
const KIND = new Map<string, TKind>(Object.entries(HEADER_KEYS).flatMap(([kind, keys]) => keys.map((k) => [k, kind as TKind] as const)));

/** "Key:" at the start of a line, in Gmail's "*Key:*" or "*Key*:" too; the key is short. */
const HEADER_LINE = /^\s*\*{0,2}([^\s:：*>][^:：*]{0,24}?)\s*\*{0,2}\s*[:：]/u;

/** The kind of header a line starts with, if it is one. */
export function headerKind(line: string): TKind | undefined {
  const head = line.slice(0, 40);
  if (!head.includes(':') && !head.includes('：')) return undefined;
  const m = HEADER_LINE.exec(head);
  return m ? KIND.get(m[1]!.toLowerCase().replace(/\s+/g, ' ')) : undefined;
}

/**
 * Whether an Outlook-style header block starts at line i: header lines of at least three
 * kinds, From among them, within a few lines (long values wrap, some clients leave blank
 * lines between them).
 */
export function headerBlockAt(lines: readonly string[], i: number, kindAt: (j: number) => TKind | undefined = (j) => headerKind(lines[j]!)): boolean {
  const first = kindAt(i);
  if (!first) return false;
  const kinds = new Set<TKind>([first]);
  let others = 0;
  for (let j = i + 1; j < lines.length && j <= i + 12; j++) {
    const line = lines[j]!;
    const kind = kindAt(j);
    if (kind) {
      kinds.add(kind);
      others = 0;
    } else if (!isBlank(line) && ++others > 2) break;
    if (kinds.has('from') && kinds.size >= 3) return true;
  }
  return false;
}

/** Words of "Original message" and "Forwarded message" banners. */
const BANNER_WORDS =
  /original|forward|ursprüngliche|weitergeleitet|d'origine|transféré|reenviado|inoltrato|oorspronkelijk|doorgestuurd|encaminhada|reencaminhada|ursprungligt|vidarebefordrat|oprindelig|videresendt|opprinnelig|alkuperäinen|välitetty|oryginalna|przekazywan|przesłan|původní|přeposlan|исходное|пересланное|пересылаемое|переслан|оригінальне|пересланий|eredeti|továbbított|orijinal|iletilen|原始|转发|轉寄|転送|元のメッセージ|원본|전달|αρχικό|προωθημένο|pesan asli|diteruskan/iu;

/** Apple Mail's line above a forwarded message, in its languages. */
const BEGIN_FORWARD =
  /^(?:begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié|début du message transféré|inicio del mensaje reenviado|inizio messaggio inoltrato|begin doorgestuurd bericht|início da mensagem (?:reencaminhada|encaminhada)|vidarebefordrat (?:brev|mejl|meddelande)|videresendt (?:besked|meddelelse|melding)|begynnelse på videresendt melding|välitetty viesti alkaa|początek przekazywanej wiadomości|начало переадресованного сообщения|転送されたメッセージ|以下是转发的邮件|전달된 메시지)\s?[:：]?$/iu;

/** A banner the quoted or forwarded message starts after ("-----Original Message-----", "Begin forwarded message:"). */
export function separatorAt(lines: readonly string[], i: number): boolean {
  const line = lines[i]!;
  if (line.length > 200) return false;
  const t = line.trim();
  if (!isDecoration(t[0])) return t.length <= 60 && BEGIN_FORWARD.test(t);
  const { left, middle, right } = decorated(t);
  if (left < 2 || right < 2 || middle === '' || middle.length > 160) return false;
  if (BANNER_WORDS.test(middle) || classify(middle) !== null) return true;
  // Any other banner right above a header ("------------------ Original ------------------").
  let j = i + 1;
  while (j < lines.length && j <= i + 3 && isBlank(lines[j]!)) j++;
  return j < lines.length && headerKind(lines[j]!) !== undefined;
}
