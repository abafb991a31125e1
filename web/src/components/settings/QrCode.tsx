import { useMemo } from 'react';
import { qrSvgPath } from './qrSvgPath';

/** `text` as a QR code, drawn here (the secret it carries goes to no other service). */
export function QrCode({ text, label }: { text: string; label: string }) {
  const qr = useMemo(() => qrSvgPath(text), [text]);
  return (
    <svg className="qr-code" role="img" aria-label={label} viewBox={`0 0 ${qr.size} ${qr.size}`} shapeRendering="crispEdges">
      <rect width={qr.size} height={qr.size} fill="#fff" />
      <path d={qr.d} fill="#000" />
    </svg>
  );
}
