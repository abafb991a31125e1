import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { ApiError } from '../net/apiError';
import type { ChatStore } from '../chat/chatStore';
import type { Strings } from '../i18n/strings';
import { useI18n } from '../i18n/i18nContext';
import { errorText } from '../i18n/errorText';

/** A modal dialog: focuses its first field, closes on Escape, and gives focus back when closed. */
export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>('input, button, textarea')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      // Keep Tab within the dialog.
      if (e.key === 'Tab' && ref.current) {
        const items = [...ref.current.querySelectorAll<HTMLElement>('input, button, textarea, select, a[href]')].filter((el) => !el.hasAttribute('disabled'));
        if (!items.length) return;
        const first = items[0];
        const last = items[items.length - 1];
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      prev?.focus?.();
    };
  }, [onClose]);
  // Rendered at the end of <body>, outside the sidebar's landmark and styles.
  return createPortal(
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="modal-title" ref={ref}>
        <h2 id="modal-title">{title}</h2>
        {children}
      </div>
    </div>,
    document.body,
  );
}

/** A dialog form's error line and its Cancel / submit buttons. */
function FormFooter({ error, busy, submitLabel, onCancel }: { error: string | null; busy: boolean; submitLabel: string; onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" onClick={onCancel}>
          {t.cancel}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </>
  );
}

function describe(t: Strings, err: unknown, map: Partial<Record<string, string>>): string {
  if (err instanceof ApiError) return map[err.code] ?? errorText(t, err.code, err.message, err.retryAfter);
  return String(err);
}

function useSubmit(run: () => Promise<void>, map: (t: Strings) => Partial<Record<string, string>>) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await run();
    } catch (err) {
      setError(describe(t, err, map(t)));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

type DialogProps = { chat: ChatStore; onClose: () => void; onDone: (roomId: number) => void };

export function CreateRoomDialog({ chat, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [priv, setPriv] = useState(false);
  const [code, setCode] = useState('');
  const { busy, error, submit } = useSubmit(
    async () => {
      const room = await chat.createRoom(name.trim(), priv, priv && code ? code : undefined);
      onDone(room.id);
    },
    (t) => ({ conflict: t.nameTaken }),
  );
  return (
    <Modal title={t.newRoom} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <label>
          {t.roomName}
          <input name="room-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="check">
          <input name="private" type="checkbox" checked={priv} onChange={(e) => setPriv(e.target.checked)} />
          {t.privateRoom}
        </label>
        {priv && (
          <label>
            {t.accessCodeOptional}
            <input name="access-code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" />
          </label>
        )}
        <FormFooter error={error} busy={busy} submitLabel={t.create} onCancel={onClose} />
      </form>
    </Modal>
  );
}

export function JoinCodeDialog({ chat, onClose, onDone, initialRoom }: DialogProps & { initialRoom?: number }) {
  const { t } = useI18n();
  const [room, setRoom] = useState(initialRoom ? String(initialRoom) : '');
  const [code, setCode] = useState('');
  const { busy, error, submit } = useSubmit(
    async () => {
      const r = await chat.joinRoom(Number(room), code || undefined);
      onDone(r.id);
    },
    (t) => ({ forbidden: t.wrongCode, not_found: t.roomNotFound }),
  );
  return (
    <Modal title={t.joinWithCode} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <label>
          {t.roomId}
          <input name="room-id" required inputMode="numeric" pattern="[0-9]+" value={room} onChange={(e) => setRoom(e.target.value)} />
        </label>
        <label>
          {t.accessCode}
          <input name="access-code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" />
        </label>
        <FormFooter error={error} busy={busy} submitLabel={t.join} onCancel={onClose} />
      </form>
    </Modal>
  );
}

export function DmDialog({ chat, onClose, onDone }: DialogProps) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const { busy, error, submit } = useSubmit(
    async () => {
      const r = await chat.startDm(username.trim());
      onDone(r.id);
    },
    (t) => ({ not_found: t.userNotFound }),
  );
  return (
    <Modal title={t.newDm} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <label>
          {t.username}
          <input name="dm-username" required value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
        </label>
        <FormFooter error={error} busy={busy} submitLabel={t.start} onCancel={onClose} />
      </form>
    </Modal>
  );
}

export function AddMemberDialog({ chat, roomId, onClose }: { chat: ChatStore; roomId: number; onClose: (added?: string) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const { busy, error, submit } = useSubmit(
    async () => {
      await chat.addMember(roomId, username.trim());
      onClose(username.trim());
    },
    (t) => ({ not_found: t.userNotFound }),
  );
  return (
    <Modal title={t.addMember} onClose={() => onClose()}>
      <form onSubmit={submit} className="form">
        <label>
          {t.username}
          <input name="member-username" required value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
        </label>
        <FormFooter error={error} busy={busy} submitLabel={t.add} onCancel={() => onClose()} />
      </form>
    </Modal>
  );
}
