/*
 * Signatures: the "-- " delimiter (and a rule of underscores, which mailing lists and
 * disclaimers put above their footer), and the lines phones and mail apps add ("Sent from my
 * iPhone", "Von meinem iPhone gesendet", "Get Outlook for iOS", K-9 Mail's, ...). A device
 * line ends what the person wrote: what follows it is the message they answered.
 */

/** "-- " (RFC 3676), or "--" as many clients send it. */
export const isSignatureDelimiter = (line: string): boolean => /^--\s*$/.test(line);

/** A rule of underscores: mailing-list footers and disclaimers start after one. */
export const isUnderscoreRule = (line: string): boolean => /^\s*_{2,}\s*$/.test(line);

/** Known apps and devices, for "Sent from <app>" without "my". */
const APPS =
  'the samsung|outlook|mail|yahoo|gmail|aol|the all new aol|samsung|galaxy|iphone|ipad|ipod|android|blackberry|huawei|honor|xiaomi|oneplus|pixel|nokia|motorola|proton|protonmail|tutanota|tuta|bluemail|blue mail|spark|edison|typeapp|mailbird|airmail|zoho|superhuman|hey|windows|mobile|newton|canary|fairemail|aquamail|nine|gmx|web\\.de|t-online|mail\\.ru|yandex|icloud|fastmail|thunderbird|em client|mailspring|polymail|sparrow|a mobile|a smartphone|a phone|a tablet|phone|tablet|smartphone';

/** Device and app lines, one per family of wording. A period inside a name ("Mail.ru") is allowed, not a sentence. */
const WORDS = '(?:[^.!?;:]|\\.(?=\\S))';
/** The same without commas: "Sent from my desk, is much easier" is a sentence. */
const MY_WORDS = '(?:[^.!?;:,]|\\.(?=\\S))';
const DEVICE = [
  new RegExp(`^sent (?:wirelessly )?(?:from|with|via|using|on) my ${MY_WORDS}{1,60}[.!]?$`, 'iu'),
  new RegExp(`^sent (?:wirelessly )?(?:from|with|via|using|on) (?:${APPS})\\b${WORDS}{0,80}[.!]?$`, 'iu'),
  /^(?:get|download|obtenir|obtener|descargar|descarga|holen sie sich|scarica|ottieni|baixe|baixar|obter|hämta|hent|få|pobierz|получить|скачать|获取|取得)\b.{0,30}\boutlook\b.{0,30}\b(?:ios|android)\b.{0,20}$/iu,
  /^outlook (?:voor|für|for|pour|para|per) (?:ios|android) \p{L}+$/iu,
  /^(?:get|download) [\p{L}\d .-]{1,30} (?:for|on) (?:ios|android|iphone|ipad|windows|mac)\b.{0,20}$/iu,
  /^(?:ios|android) 版 outlook/iu,
  new RegExp(`^von meinem ${WORDS}{1,60} gesendet\\.?$`, 'iu'),
  new RegExp(`^gesendet (?:von|vom|mit|über|aus) ${WORDS}{1,60}[.!]?$`, 'iu'),
  new RegExp(`^envoy[ée] (?:de|depuis|à partir de|a partir de|avec|via|par) ${WORDS}{1,60}[.!]?$`, 'iu'),
  new RegExp(`^enviad[oa] (?:desde|con|vía|via|a través de|de|do|da|pelo|pela|com|a partir d[oe]) ${WORDS}{1,60}[.!]?$`, 'iu'),
  new RegExp(`^inviato (?:da|dal|dallo|dalla|con|tramite) ${WORDS}{1,60}[.!]?$`, 'iu'),
  new RegExp(`^(?:verzonden|verstuurd) (?:vanaf|met|van|via) ${WORDS}{1,60}[.!]?$`, 'iu'),
  new RegExp(`^(?:skickat|skickades|sendt|sendte) (?:från|fra|med|via) ${WORDS}{1,60}[.!]?$`, 'iu'),
  new RegExp(`^lähetetty ${WORDS}{1,60}[.!]?$`, 'iu'),
  new RegExp(`^wysłan[eoya] (?:z|ze|przy użyciu|za pomocą) ${WORDS}{1,60}[.!]?$`, 'iu'),
  new RegExp(`^odeslán[oa] (?:z|ze|pomocí) ${WORDS}{1,60}[.!]?$`, 'iu'),
  new RegExp(`^(?:отправлено|надіслано) (?:с|со|из|через|з|із|зі) ${WORDS}{1,60}[.!]?$`, 'iu'),
  new RegExp(`^(?:trimis|trimisă) (?:de pe|din|cu) ${WORDS}{1,60}[.!]?$`, 'iu'),
  new RegExp(`^(?:στάλθηκε|εστάλη) από ${WORDS}{1,60}[.!]?$`, 'iu'),
  new RegExp(`^dikirim (?:dari|dengan) ${WORDS}{1,60}[.!]?$`, 'iu'),
  /^[^.!?:]{1,40} gönderildi\.?$/iu,
  /^[^.!?:]{1,40} küldve\.?$/iu,
  /^[^。.!?:]{1,40}から送信$/u,
  /^[^。.!?:]{1,40}에서 보냄$/u,
  /^(?:发自|發自)(?:我的)?\s?[^。!?:]{1,40}$/u,
  /^(?:从|從|来自|來自)我的\s?[^。!?:]{1,40}$/u,
  // K-9 Mail and the like: "Sent from my Android device with K-9 Mail. Please excuse my brevity."
  /^(?:sent|diese nachricht wurde|envoyé|enviado|inviato|verzonden|skickat|sendt|wysłano|отправлено)\s.{0,100}\bk-?9 mail\b/iu,
  /^(?:sent\b.{0,80}?[.,!]\s*)?(?:please )?(?:excuse|pardon|forgive) (?:my |any |the )?(?:brevity|typos|spelling)(?: and (?:typos|brevity))?\.?$/iu,
];

/** Links an app puts in its line ("Get Outlook for iOS<https://aka.ms/o0ukef>", "Sent from Mail<https://...> for Windows"). */
const LINK = /<(?:https?:|mailto:)[^<>]*>/gi;
const TRAILING_LINK = /\s*[<([]?(?:https?:\/\/|www\.)[^\s<>()[\]]*[>)\]]?$/i;

/** The first words of the device lines above (most lines fail this one look-up), and the ends of the others. */
const FIRST_WORDS = new Set(
  ('sent get download obtenir obtener descargar descarga holen scarica ottieni baixe baixar obter hämta hent få pobierz получить скачать ' +
    '获取 取得 outlook ios android von gesendet envoyé envoye enviado enviada inviato verzonden verstuurd skickat skickades sendt sendte ' +
    'lähetetty wysłane wysłano wysłana wysłany odesláno odeslána отправлено надіслано trimis trimisă στάλθηκε εστάλη dikirim diese please ' +
    'excuse pardon forgive').split(' '),
);
const mayBeDevice = (t: string): boolean => {
  const space = t.indexOf(' ');
  return (
    FIRST_WORDS.has((space === -1 ? t : t.slice(0, space)).toLowerCase()) ||
    /(?:gönderildi|küldve)\.?$|から送信$|에서 보냄$/u.test(t.slice(-12)) ||
    /^(?:发自|發自|从我的|從我的|来自我的|來自我的)/u.test(t)
  );
};

/** A line a phone or mail app adds under what the person wrote. */
export function isDeviceLine(line: string): boolean {
  if (line.length > 160) return false;
  const trimmed = line.trim();
  if (!mayBeDevice(trimmed)) return false;
  const t = trimmed.replace(LINK, '').replace(TRAILING_LINK, '');
  return t.length > 0 && DEVICE.some((re) => re.test(t));
}

/** Footers mail servers append under the whole message, quote included. */
export const DISCLAIMER =
  /\b(?:confidential|intended (?:only )?for|intended recipient|disclaimer|privileged|vertraulich|confidentiel|confidencial|riservat|vertrouwelijk|konfidentiell|fortrolig|poufn)/iu;
