import { describe, expect, it } from 'vitest';
import { deviceName } from './deviceName';

describe('deviceName', () => {
  it('names the common browsers and systems', () => {
    expect(deviceName('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36')).toEqual({ browser: 'Chrome', os: 'Linux' });
    expect(deviceName('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0')).toEqual({ browser: 'Firefox', os: 'Windows' });
    expect(deviceName('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15')).toEqual({ browser: 'Safari', os: 'macOS' });
    expect(deviceName('Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1')).toEqual({ browser: 'Safari', os: 'iOS' });
    expect(deviceName('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36')).toEqual({ browser: 'Chrome', os: 'Android' });
    expect(deviceName('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0')).toEqual({ browser: 'Edge', os: 'Windows' });
  });

  it('knows the command-line clients and nothing of the rest', () => {
    expect(deviceName('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36')).toEqual({ browser: 'Chrome', os: 'Linux' });
    expect(deviceName('curl/8.5.0')).toEqual({ browser: 'curl', os: null });
    expect(deviceName('python-requests/2.31')).toEqual({ browser: 'Python', os: null });
    expect(deviceName('')).toEqual({ browser: null, os: null });
    expect(deviceName('<script>alert(1)</script>')).toEqual({ browser: null, os: null });
  });
});
