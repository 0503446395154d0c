export type TDeviceClass = 'desktop' | 'tablet' | 'mobile';

/** Coarse device class and browser name; used for session limits and the session list. */
export function describeUserAgent(ua: string | undefined): { deviceClass: TDeviceClass; browser: string } {
  const s = ua ?? '';
  const deviceClass: TDeviceClass = /iPad|Tablet|(Android(?!.*Mobile))/i.test(s)
    ? 'tablet'
    : /Mobi|iPhone|iPod|Android/i.test(s)
      ? 'mobile'
      : 'desktop';
  const browser = /Edg\//.test(s)
    ? 'Edge'
    : /OPR\//.test(s)
      ? 'Opera'
      : /Firefox\//.test(s)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(s)
          ? 'Chrome'
          : /Safari\//.test(s)
            ? 'Safari'
            : s
              ? 'Other'
              : 'Unknown';
  return { deviceClass, browser };
}
