import { memo, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { RoomView } from '../chat/chatState';
import type { ChatStore } from '../chat/chatStore';
import { dayLabel, groupMessages, timeLabel, type Groupable } from '../format/grouping';
import { linkify } from '../format/linkify';
import type { PendingMessage } from '../chat/timeline';
import type { Message, User } from '../protocol/types';
import { useI18n } from '../i18n/i18nContext';

interface Item extends Groupable {
  message?: Message;
  pending?: PendingMessage;
  body: string;
}

/** Message text as React text nodes, with http(s) URLs as safe links. */
export const MessageBody = memo(function MessageBody({ text }: { text: string }) {
  const segments = useMemo(() => linkify(text), [text]);
  return (
    <div className="msg-body">
      {segments.map((s, i) =>
        s.kind === 'link' ? (
          <a key={i} href={s.href} target="_blank" rel="noopener noreferrer">
            {s.text}
          </a>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </div>
  );
});

const NEAR_BOTTOM_PX = 80;
const LOAD_OLDER_PX = 200;

export function MessageList({ chat, view, user }: { chat: ChatStore; view: RoomView; user: User | null }) {
  const { t, lang } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const prev = useRef<{ firstId?: number; height: number; pending: number }>({ height: 0, pending: 0 });
  const [showJump, setShowJump] = useState(false);
  const roomId = view.room.id;

  const items: Item[] = useMemo(() => {
    const out: Item[] = view.timeline.messages.map((m) => ({
      key: `m${m.id}`,
      senderId: m.from.id,
      senderName: m.from.username,
      date: new Date(m.ts),
      message: m,
      body: m.body,
    }));
    for (const p of view.timeline.pending) {
      out.push({ key: `p${p.clientId}`, senderId: p.from.id, senderName: p.from.username, date: new Date(p.createdAt), pending: p, body: p.body });
    }
    return out;
  }, [view.timeline]);
  const groups = useMemo(() => groupMessages(items), [items]);

  const firstId = view.timeline.messages[0]?.id;
  const pendingCount = view.timeline.pending.length;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const p = prev.current;
    if (p.firstId !== undefined && firstId !== undefined && firstId < p.firstId && !stick.current) {
      // Older messages were added above: keep what the user is reading in place.
      el.scrollTop += el.scrollHeight - p.height;
    } else if (stick.current || pendingCount > p.pending) {
      el.scrollTop = el.scrollHeight;
      stick.current = true;
    }
    prev.current = { firstId, height: el.scrollHeight, pending: pendingCount };
    // Not enough history to scroll: fetch more so the user can reach older messages.
    if (el.scrollHeight <= el.clientHeight + LOAD_OLDER_PX && view.historyLoaded && view.hasOlder && !view.loadingOlder) {
      void chat.loadOlder(roomId);
    }
  });

  function onScroll() {
    const el = ref.current;
    if (!el) return;
    const distance = el.scrollHeight - el.scrollTop - el.clientHeight;
    stick.current = distance < NEAR_BOTTOM_PX;
    setShowJump(!stick.current && distance > 400);
    prev.current.height = el.scrollHeight;
    if (el.scrollTop < LOAD_OLDER_PX && view.hasOlder && !view.loadingOlder) void chat.loadOlder(roomId);
    if (stick.current) chat.markReadIfVisible(roomId);
  }

  const now = new Date();
  return (
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
            <div key={g.key} className={`group ${g.senderId === user?.id ? 'mine' : ''}`}>
              <div className="group-header">
                <span className="sender">{g.senderName}</span>
                <time dateTime={g.date.toISOString()}>{timeLabel(g.date, lang)}</time>
              </div>
              {g.items.map((it) => (
                <div
                  key={it.key}
                  className={`msg ${it.pending ? `msg-${it.pending.status}` : ''}`}
                  data-id={it.message?.id}
                  data-client-id={it.pending?.clientId ?? it.message?.client_id}
                  title={timeLabel(it.date, lang)}
                >
                  <MessageBody text={it.body} />
                  {it.pending && (
                    <div className="msg-status" role="status">
                      {it.pending.status === 'pending' ? (
                        <span>{chat.getState().connection.state === 'open' ? t.sending : t.queued}</span>
                      ) : (
                        <>
                          <span className="failed">{t.failed}</span>
                          <button type="button" className="link" onClick={() => chat.retry(roomId, it.pending!.clientId)}>
                            {t.retry}
                          </button>
                          <button type="button" className="link" onClick={() => chat.discard(roomId, it.pending!.clientId)}>
                            {t.discard}
                          </button>
                        </>
                      )}
                    </div>
                  )}
                </div>
              ))}
            </div>
          ),
        )}
      </div>
      {showJump && (
        <button
          type="button"
          className="jump"
          onClick={() => {
            const el = ref.current;
            if (el) el.scrollTop = el.scrollHeight;
            stick.current = true;
            setShowJump(false);
          }}
        >
          ↓ {t.jumpToLatest}
        </button>
      )}
    </div>
  );
}
