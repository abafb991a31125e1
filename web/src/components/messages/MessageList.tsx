import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { RoomView } from '../../chat/chatState';
import type { ChatStore } from '../../chat/chatStore';
import { contiguousPart } from '../../chat/timeline';
import { dayLabel, groupMessages } from '../../format/grouping';
import { useI18n } from '../../i18n/i18nContext';
import type { User } from '../../protocol/types';
import { MessageContext } from './messageContext';
import { MessageGroup } from './MessageGroup';
import { roomItems } from './messageItems';
import { SeenBy } from './SeenBy';
import { useMessageContextValue } from './useMessageContextValue';
import { useMessageScroll } from './useMessageScroll';

/**
 * A room's messages by day and sender, with infinite scroll back through the history (and forward
 * from a window far back, shown only up to its gap, without the unsent messages that follow the newest).
 */
export function MessageList({ chat, view, user }: { chat: ChatStore; view: RoomView; user: User | null }) {
  const { t, lang } = useI18n();
  const { ref, onScroll, showJump, jumpToLatest, reveal } = useMessageScroll(chat, view);
  const focus = useSyncExternalStore(chat.subscribe, () => chat.getState().focus);
  const revealed = useRef<{ seq: number; timer: ReturnType<typeof setTimeout> | null } | null>(null);
  const gapAfter = view.gapAfter;
  const items = useMemo(
    () => roomItems(gapAfter === null ? view.timeline : { messages: contiguousPart(view.timeline.messages, gapAfter), pending: [] }),
    [view.timeline, gapAfter],
  );
  const groups = useMemo(() => groupMessages(items), [items]);
  const ctx = useMessageContextValue(chat, view, user, false);
  const last = items[items.length - 1];

  // A search result opened here: once its row is shown, scroll to it and mark it for a while.
  const roomId = view.room.id;
  useEffect(() => {
    if (!focus || focus.room !== roomId) return;
    if (revealed.current?.seq === focus.seq) return;
    if (!reveal(focus.id)) return;
    if (revealed.current?.timer) clearTimeout(revealed.current.timer);
    const list = ref.current;
    list?.querySelectorAll('.msg[data-focused]').forEach((el) => el.removeAttribute('data-focused'));
    const row = list?.querySelector<HTMLElement>(`.msg[data-id="${focus.id}"]`);
    row?.setAttribute('data-focused', '');
    const seq = focus.seq;
    const timer = setTimeout(() => {
      row?.removeAttribute('data-focused');
      if (chat.getState().focus?.seq === seq) chat.clearFocus();
    }, 6000);
    revealed.current = { seq, timer };
  });
  useEffect(
    () => () => {
      if (revealed.current?.timer) clearTimeout(revealed.current.timer);
    },
    [],
  );

  const now = new Date();
  return (
    <MessageContext.Provider value={ctx}>
      <div className="message-scroller">
        <div
          className="messages"
          ref={ref}
          onScroll={onScroll}
          role="log"
          aria-label={t.messages}
          aria-busy={view.loadingOlder}
          tabIndex={0}
          data-testid="messages"
        >
          <div className="history-edge">
            {view.loadingOlder ? (
              <span role="status">{t.loadingOlder}</span>
            ) : view.historyLoaded && !view.hasOlder ? (
              <span>{t.beginning}</span>
            ) : null}
          </div>
          {groups.map((g) =>
            g.kind === 'day' ? (
              <div key={g.key} className="day-separator" role="separator">
                <span>{dayLabel(g.date, now, lang, t.today, t.yesterday)}</span>
              </div>
            ) : (
              <MessageGroup key={g.key} group={g} mine={g.senderId === user?.id} />
            ),
          )}
          {gapAfter !== null ? (
            <div className="history-edge newer">{view.loadingNewer && <span role="status">{t.loadingNewer}</span>}</div>
          ) : (
            <SeenBy message={last?.message} />
          )}
        </div>
        {showJump && (
          <button type="button" className="jump" onClick={jumpToLatest}>
            ↓ {t.jumpToLatest}
          </button>
        )}
      </div>
    </MessageContext.Provider>
  );
}
