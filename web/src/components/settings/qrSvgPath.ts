// A QR code as one SVG path, drawn in the app from the qrcode-generator package (no external
// service sees the secret): each dark module is a 1×1 square in a grid of `size` modules,
// including a quiet zone of 4 modules on each side.

import qrcode from 'qrcode-generator';

export const QUIET_ZONE = 4;

export interface QrPath {
  /** The side of the square, in modules, quiet zone included. */
  size: number;
  /** `M x y h1 v1 h-1 z` for each dark module. */
  d: string;
}

/** The QR code of `text` (byte mode, error correction M, the smallest version that fits). */
export function qrSvgPath(text: string): QrPath {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const parts: string[] = [];
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (qr.isDark(row, col)) parts.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
    }
  }
  return { size: n + 2 * QUIET_ZONE, d: parts.join('') };
}

/** Whether the module at (col, row) of a QrPath is dark (for tests). */
export function isDarkAt(path: QrPath, col: number, row: number): boolean {
  return path.d.includes(`M${col} ${row}h1v1h-1z`);
}
