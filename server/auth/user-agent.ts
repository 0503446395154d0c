import Bowser from 'bowser';

export type TDeviceClass = 'desktop' | 'tablet' | 'mobile';

/** Browser and system with their versions, as a person recognises them: "Chrome 127 on Windows 10". */
function describeBrowser(ua: string): string {
  if (!ua) return 'Unknown browser';
  const { browser, os } = Bowser.parse(ua);
  const major = browser.version?.split('.')[0];
  const name = browser.name ? [browser.name, major].filter(Boolean).join(' ') : 'Unknown browser';
  // Windows reports "NT 10.0", whose name is "10"; other systems' versions read as they are.
  const osVersion = os.name === 'Windows' ? (os.versionName ?? os.version) : os.version;
  const system = os.name ? [os.name, osVersion].filter(Boolean).join(' ') : '';
  return (system ? `${name} on ${system}` : name).slice(0, 100);
}

/** Coarse device class (for session limits) and the browser and system (for the session lists). */
export function describeUserAgent(ua: string | undefined): { deviceClass: TDeviceClass; browser: string } {
  const s = ua ?? '';
  const deviceClass: TDeviceClass = /iPad|Tablet|(Android(?!.*Mobile))/i.test(s)
    ? 'tablet'
    : /Mobi|iPhone|iPod|Android/i.test(s)
      ? 'mobile'
      : 'desktop';
  return { deviceClass, browser: describeBrowser(s) };
}
