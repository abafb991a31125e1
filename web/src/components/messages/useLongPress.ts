import { useRef, type PointerEvent } from 'react';

const HOLD_MS = 500;
const SLOP_PX = 10;

/**
 * A long press by touch or pen (phones): `onLongPress` after the finger rests for half a second
 * without moving. Mouse presses are left to hover; a right click or a long press that the browser
 * reports as `contextmenu` opens the same menu.
 */
export function useLongPress(onLongPress: () => void) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const start = useRef<{ x: number; y: number } | null>(null);

  function cancel() {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    start.current = null;
  }

  return {
    onPointerDown(e: PointerEvent) {
      if (e.pointerType === 'mouse') return;
      cancel();
      start.current = { x: e.clientX, y: e.clientY };
      timer.current = setTimeout(() => {
        timer.current = null;
        onLongPress();
      }, HOLD_MS);
    },
    onPointerMove(e: PointerEvent) {
      const s = start.current;
      if (s && Math.hypot(e.clientX - s.x, e.clientY - s.y) > SLOP_PX) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    onContextMenu(e: { preventDefault(): void; target: EventTarget }) {
      // Links keep the browser's own menu.
      if ((e.target as HTMLElement).closest?.('a')) return;
      e.preventDefault();
      cancel();
      onLongPress();
    },
  };
}
