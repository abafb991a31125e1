import { useEffect, useMemo, useRef } from 'react';
import type { RoomView } from '../../chat/chatState';
import type { ChatStore } from '../../chat/chatStore';
import { threadParent, threadReplies } from '../../chat/threads';
import { groupMessages } from '../../format/grouping';
import { useI18n } from '../../i18n/i18nContext';
import { fmt } from '../../i18n/strings';
import type { User } from '../../protocol/types';
import { MessageContext } from '../messages/messageContext';
import { MessageGroup } from '../messages/MessageGroup';
import { messageItems } from '../messages/messageItems';
import { useMessageContextValue } from '../messages/useMessageContextValue';
import { Composer } from '../room/Composer';

/** A thread beside the room (a drawer on phones): the parent, its replies, and a reply composer. */
export function ThreadPanel({ chat, view, user, parentId }: { chat: ChatStore; view: RoomView; user: User | null; parentId: number }) {
  const { t } = useI18n();
  const ctx = useMessageContextValue(chat, view, user, true);
  const parent = threadParent(view, parentId);
  const replies = useMemo(() => threadReplies(view, parentId), [view, parentId]);
  const parentGroups = useMemo(() => (parent ? groupMessages(messageItems({ messages: [parent], pending: [] })) : []), [parent]);
  const groups = useMemo(() => groupMessages(messageItems(replies)), [replies]);
  const scroller = useRef<HTMLDivElement>(null);
  const count = replies.messages.length;
  const loading = view.threads[parentId]?.loading;

  // Follows new replies, as the room's list does.
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [count, replies.pending.length]);

  const close = () => {
    chat.closeThread(view.room.id);
    document.getElementById('composer')?.focus();
  };
  return (
    <MessageContext.Provider value={ctx}>
      <aside className="thread-panel" aria-label={t.thread} data-testid="thread-panel" onKeyDown={(e) => e.key === 'Escape' && !e.defaultPrevented && close()}>
        <header className="thread-header">
          <h2>{t.thread}</h2>
          <button type="button" className="icon-button" aria-label={t.closeThread} title={t.closeThread} onClick={close}>
            ×
          </button>
        </header>
        <div className="thread-messages" ref={scroller}>
          {parentGroups.map((g) => g.kind === 'group' && <MessageGroup key={g.key} group={g} mine={g.senderId === user?.id} />)}
          <div className="thread-divider" role="separator">
            <span>{loading && !count ? t.loadingReplies : count ? fmt(count === 1 ? t.replyOne : t.replyMany, { n: count }) : t.noReplies}</span>
          </div>
          {groups.map((g) => g.kind === 'group' && <MessageGroup key={g.key} group={g} mine={g.senderId === user?.id} />)}
        </div>
        {parent && !parent.deleted && <Composer chat={chat} roomId={view.room.id} roomTitle="" replyTo={parentId} members={view.members} />}
      </aside>
    </MessageContext.Provider>
  );
}
