import { describe, expect, it } from 'vitest';
import { QUIET_ZONE, isDarkAt, qrSvgPath } from './qrSvgPath';

const uri = 'otpauth://totp/Parley:ann?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Parley&algorithm=SHA1&digits=6&period=30';

describe('qrSvgPath', () => {
  it('draws a QR code of a size a version allows, with its quiet zone', () => {
    const qr = qrSvgPath(uri);
    const modules = qr.size - 2 * QUIET_ZONE;
    expect((modules - 17) % 4).toBe(0); // version v has 17 + 4v modules
    expect(modules).toBeGreaterThanOrEqual(33); // this URI needs version 4 or more at level M
    expect(qr.d.length).toBeGreaterThan(0);
  });

  it('has the three finder patterns in their corners', () => {
    const qr = qrSvgPath(uri);
    const n = qr.size - 2 * QUIET_ZONE;
    for (const [c0, r0] of [
      [0, 0],
      [n - 7, 0],
      [0, n - 7],
    ]) {
      const at = (c: number, r: number) => isDarkAt(qr, QUIET_ZONE + c0 + c, QUIET_ZONE + r0 + r);
      for (let i = 0; i < 7; i++) {
        expect(at(i, 0) && at(i, 6) && at(0, i) && at(6, i)).toBe(true); // the dark ring
      }
      expect(at(1, 1)).toBe(false); // the light ring
      expect(at(3, 3)).toBe(true); // the centre
    }
    // Nothing is drawn in the quiet zone.
    for (let i = 0; i < qr.size; i++) expect(isDarkAt(qr, i, 0) || isDarkAt(qr, 0, i)).toBe(false);
  });

  it('differs with the text', () => {
    expect(qrSvgPath(uri).d).not.toBe(qrSvgPath(uri.replace('ann', 'bob')).d);
  });
});
