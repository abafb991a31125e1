import { useLayoutEffect, useRef, useState } from 'react';
import type { RoomView } from '../../chat/chatState';
import type { ChatStore } from '../../chat/chatStore';

/** Within this distance of the bottom the list follows new messages. */
const NEAR_BOTTOM_PX = 80;
/** Within this distance of the top older messages are fetched (of the bottom, newer ones below a gap). */
const LOAD_OLDER_PX = 200;
/** Farther than this from the bottom, a "jump to latest" button shows. */
const SHOW_JUMP_PX = 400;

/**
 * The message list's scrolling: it sticks to the bottom while the user is there (and when they
 * send), keeps what they read in place when older messages are added above, fetches older pages
 * near the top (or at once while the list is too short to scroll), and tells the store whether the
 * newest message is in view (only then is the room read). While a window far back is shown (a
 * search result) it never follows the bottom: near it the next newer page is fetched, until the
 * window meets the newest messages. Attach `ref` and `onScroll` to the scrolling element.
 */
export function useMessageScroll(chat: ChatStore, view: RoomView) {
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const prev = useRef<{ firstId?: number; height: number; pending: number }>({ height: 0, pending: 0 });
  const [showJump, setShowJump] = useState(false);
  const reported = useRef<boolean | null>(null);
  const roomId = view.room.id;
  const firstId = view.timeline.messages[0]?.id;
  const pendingCount = view.timeline.pending.length;
  const detached = view.gapAfter !== null;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const p = prev.current;
    if (p.firstId !== undefined && firstId !== undefined && firstId < p.firstId && !stick.current) {
      // Older messages were added above: keep what the user is reading in place.
      el.scrollTop += el.scrollHeight - p.height;
    } else if (stick.current || (pendingCount > p.pending && !detached)) {
      el.scrollTop = el.scrollHeight;
      stick.current = !detached;
    }
    prev.current = { firstId, height: el.scrollHeight, pending: pendingCount };
    report(stick.current && !detached);
    // Not enough history to scroll: fetch more so the user can reach older (or newer) messages.
    if (el.scrollHeight <= el.clientHeight + LOAD_OLDER_PX && view.historyLoaded) {
      if (view.hasOlder && !view.loadingOlder) void chat.loadOlder(roomId);
      if (detached && !view.loadingNewer) void chat.loadNewer(roomId);
    }
  });

  function onScroll() {
    const el = ref.current;
    if (!el) return;
    const distance = el.scrollHeight - el.scrollTop - el.clientHeight;
    stick.current = distance < NEAR_BOTTOM_PX && !detached;
    setShowJump(!stick.current && distance > SHOW_JUMP_PX);
    prev.current.height = el.scrollHeight;
    if (el.scrollTop < LOAD_OLDER_PX && view.hasOlder && !view.loadingOlder) void chat.loadOlder(roomId);
    if (distance < LOAD_OLDER_PX && detached && !view.loadingNewer) void chat.loadNewer(roomId);
    report(stick.current);
  }

  /** Tells the store when the newest message comes into view or leaves it. */
  function report(atBottom: boolean) {
    if (reported.current === atBottom) return;
    reported.current = atBottom;
    chat.setAtBottom(roomId, atBottom);
  }

  function jumpToLatest() {
    if (detached) void chat.showLatest(roomId);
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
    stick.current = true;
    setShowJump(false);
    report(true);
  }

  /** Shows the message `id` (a search result): scrolled to the middle, no longer following the bottom. */
  function reveal(id: number): boolean {
    const el = ref.current;
    const row = el?.querySelector<HTMLElement>(`.msg[data-id="${id}"]`);
    if (!el || !row) return false;
    stick.current = false;
    row.scrollIntoView({ block: 'center' });
    prev.current.height = el.scrollHeight;
    const distance = el.scrollHeight - el.scrollTop - el.clientHeight;
    setShowJump(distance > SHOW_JUMP_PX);
    report(distance < NEAR_BOTTOM_PX && !detached);
    return true;
  }

  // Far back, the way to the newest messages is always offered.
  return { ref, onScroll, showJump: showJump || detached, jumpToLatest, reveal };
}
