import { useLayoutEffect, useState, type CSSProperties } from 'react';

const WIDTH = 320;
const HEIGHT = 340;
const GAP = 6;
const MARGIN = 8;
/** Narrower than this, a popover becomes a sheet along the bottom of the screen. */
const SHEET_BELOW_PX = 520;

/** Fixed-position style for a popover next to `anchor`: above it when there is room, else below. */
export function usePopoverPosition(anchor: HTMLElement | null): CSSProperties {
  const [style, setStyle] = useState<CSSProperties>({ visibility: 'hidden' });
  useLayoutEffect(() => {
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    if (!anchor || vw < SHEET_BELOW_PX) {
      setStyle({ left: 0, right: 0, bottom: 0, maxHeight: Math.min(HEIGHT, vh * 0.6) });
      return;
    }
    const r = anchor.getBoundingClientRect();
    const width = Math.min(WIDTH, vw - 2 * MARGIN);
    const height = Math.min(HEIGHT, vh - 2 * MARGIN);
    const left = Math.min(Math.max(r.right - width, MARGIN), vw - width - MARGIN);
    const above = r.top - height - GAP;
    const top = above >= MARGIN ? above : Math.min(r.bottom + GAP, vh - height - MARGIN);
    setStyle({ left, top, width, maxHeight: height });
  }, [anchor]);
  return style;
}
