import { describe, expect, it } from 'vitest';
import { describeUserAgent } from '../../../server/auth/user-agent';

describe('describeUserAgent', () => {
  it('names the browser and the system with their versions', () => {
    const cases: [string, string, string][] = [
      ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.6533.88 Safari/537.36', 'desktop', 'Chrome 127 on Windows 10'],
      ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', 'desktop', 'Safari 17 on macOS 10.15.7'],
      ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'desktop', 'Firefox 128 on Linux'],
      ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/127.0.0.0 Safari/537.36 Edg/127.0.2651.74', 'desktop', 'Microsoft Edge 127 on Windows 10'],
      ['Mozilla/5.0 (Linux; Android 15; Pixel 9) Chrome/156.0 Mobile Safari/537.36', 'mobile', 'Chrome 156 on Android 15'],
      ['Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile/15E148 Safari/604.1', 'tablet', 'Safari 17 on iOS 17.4'],
    ];
    for (const [ua, deviceClass, browser] of cases) expect(describeUserAgent(ua)).toEqual({ deviceClass, browser });
  });

  it('copes with no user agent or one it does not know', () => {
    expect(describeUserAgent(undefined)).toEqual({ deviceClass: 'desktop', browser: 'Unknown browser' });
    expect(describeUserAgent('curl/8.5.0').browser).toBe('Unknown browser');
    expect(describeUserAgent(`Mozilla/5.0 (X11; Linux x86_64) Chrome/1.0 ${'x'.repeat(500)}`).browser.length).toBeLessThanOrEqual(100);
  });
});
