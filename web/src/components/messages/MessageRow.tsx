import { useCallback, useEffect, useRef, useState } from 'react';
import { mentionsUser } from '../../chat/mentions';
import { timeLabel } from '../../format/grouping';
import { useI18n } from '../../i18n/i18nContext';
import { fmt } from '../../i18n/strings';
import type { Message } from '../../protocol/types';
import { ReactionChips } from '../reactions/ReactionChips';
import { RepliesLink } from '../threads/RepliesLink';
import { Attachments } from './Attachments';
import { DeleteMessageDialog } from './DeleteMessageDialog';
import { MessageBody } from './MessageBody';
import { MessageEditor } from './MessageEditor';
import { MessageMenu } from './MessageMenu';
import type { MessageItem } from './messageItems';
import { PendingStatus } from './PendingStatus';
import { useLongPress } from './useLongPress';
import { useMessageContext } from './messageContext';

/** The names a message's `@` mentions may highlight: those the server matched, else the room's. */
function useMentionNames(m: Message | undefined): ReadonlySet<string> {
  const { names, knownNames } = useMessageContext();
  if (!m?.mentions) return knownNames;
  return new Set(m.mentions.map((id) => names.get(id)?.toLowerCase()).filter((n): n is string => !!n));
}

/** One message: its text (or its editor, or a tombstone), markers, reactions, replies link and menu. */
export function MessageRow({ item }: { item: MessageItem }) {
  const { t, lang } = useI18n();
  const { chat, me, editingId, inThread } = useMessageContext();
  const m = item.message;
  const [menuOpen, setMenuOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const longPress = useLongPress(() => m && !m.deleted && setMenuOpen(true));
  const mentionNames = useMentionNames(m);
  const closeConfirm = useCallback(() => setConfirming(false), []);
  const editing = !!m && editingId === m.id && !m.deleted;

  // A menu opened by a long press closes with a touch anywhere else.
  useEffect(() => {
    if (!menuOpen) return;
    const onDown = (e: PointerEvent) => !ref.current?.contains(e.target as Node) && setMenuOpen(false);
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [menuOpen]);

  const classes = ['msg', item.pending ? `msg-${item.pending.status}` : '', m?.deleted ? 'msg-deleted' : '', m && mentionsUser(m, me?.id) ? 'mentions-me' : '', menuOpen ? 'menu-open' : '', editing ? 'editing' : ''];
  return (
    <div
      ref={ref}
      className={classes.filter(Boolean).join(' ')}
      data-id={m?.id}
      data-client-id={item.pending?.clientId ?? m?.client_id}
      title={timeLabel(item.date, lang)}
      {...(m && !editing ? longPress : {})}
    >
      <div className="msg-content">
        {editing && m ? (
          <MessageEditor message={m} />
        ) : m?.deleted ? (
          <span className="tombstone">{t.deletedMessage}</span>
        ) : (
          <>
            {item.body && <MessageBody text={item.body} mentionNames={mentionNames} me={me?.username} />}
            {m?.edited_at && (
              <span className="edited-marker" title={fmt(t.editedAt, { time: timeLabel(new Date(m.edited_at), lang) })}>
                ({t.edited})
              </span>
            )}
          </>
        )}
      </div>
      {!m?.deleted && <Attachments chat={chat} attachments={m?.attachments ?? item.pending?.attachments ?? []} />}
      {m && !m.deleted && <ReactionChips message={m} />}
      {m && !inThread && <RepliesLink message={m} />}
      {item.pending && <PendingStatus chat={chat} pending={item.pending} />}
      {m && !m.deleted && !editing && (
        <MessageMenu
          message={m}
          onDelete={() => {
            setMenuOpen(false);
            setConfirming(true);
          }}
          onDone={() => setMenuOpen(false)}
        />
      )}
      {confirming && m && <DeleteMessageDialog message={m} onClose={closeConfirm} />}
    </div>
  );
}
