import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatStore } from '../../chat/chatStore';
import type { DraftFileRecord } from '../../chat/draftFiles';
import type { UploadTask } from '../../net/uploads';
import type { Upload } from '../../protocol/types';

/** A file being attached in the composer: uploading (with its progress), uploaded, or failed. */
export interface DraftAttachment {
  key: number;
  name: string;
  progress: number;
  upload?: Upload;
  error?: string;
  task?: UploadTask;
}

const MAX_ATTACHMENTS = 10;

/** A pasted image has no useful name ("image.png"); give it one with the time. */
function nameOf(file: File): string {
  const name = file.name && file.name !== 'image.png' ? file.name : `pasted-${new Date().toISOString().replace(/[:.]/g, '-')}.${file.type.split('/')[1] || 'bin'}`;
  return name.replace(/[/\\\p{Cc}]/gu, '_').slice(0, 255) || 'file';
}

/**
 * The composer's attachments for one draft (a room, or a thread): each file uploaded at once with
 * progress, cancellable, removable. They are kept across reloads (`chat.draftFiles`): when the
 * composer mounts, the draft's uploaded files come back as they were and the others are uploaded
 * again from their stored bytes. Leaving the room stops uploads in flight but keeps the files.
 */
export function useAttachments(chat: ChatStore, draft: string) {
  const [items, setItems] = useState<DraftAttachment[]>([]);
  const count = useRef(0);
  count.current = items.length;
  const next = useRef(1);
  const live = useRef(new Map<number, UploadTask>());
  const records = useRef(new Map<number, DraftFileRecord>());

  useEffect(() => {
    const tasks = live.current;
    return () => tasks.forEach((t) => t.abort());
  }, []);

  const update = (key: number, patch: Partial<DraftAttachment>) => setItems((list) => list.map((x) => (x.key === key ? { ...x, ...patch } : x)));

  /** Starts uploading `blob`; the item to show for it. */
  const begin = useCallback(
    (key: number, name: string, blob: Blob, record: DraftFileRecord | null): DraftAttachment => {
      if (record) records.current.set(key, record);
      const task = chat.upload(blob, name, (p) => update(key, { progress: p }));
      live.current.set(key, task);
      task.done.then(
        (upload) => {
          update(key, { upload, progress: 1, task: undefined });
          chat.draftFiles.uploaded(records.current.get(key) ?? null, upload);
        },
        (e: { code?: string; message?: string }) => {
          // Cancelled by the user (its record is gone already) or by leaving the room (kept for later).
          if (e?.code === 'aborted') setItems((list) => list.filter((x) => x.key !== key));
          else update(key, { error: e?.message ?? String(e), task: undefined });
        },
      );
      void task.done.finally(() => live.current.delete(key)).catch(() => undefined);
      return { key, name, progress: 0, task };
    },
    [chat],
  );

  // The draft's files kept from before (a reload, or another visit to the room), first in the list.
  useEffect(() => {
    let cancelled = false;
    void chat.draftFiles.list(draft).then((kept) => {
      if (cancelled || !kept.length) return;
      const restored: DraftAttachment[] = [];
      for (const r of kept) {
        if (count.current >= MAX_ATTACHMENTS) break;
        count.current++;
        const key = next.current++;
        if (r.upload) {
          records.current.set(key, r);
          restored.push({ key, name: r.name, progress: 1, upload: r.upload });
        } else if (r.blob) restored.push(begin(key, r.name, r.blob, r));
      }
      setItems((list) => [...restored, ...list]);
    });
    return () => {
      cancelled = true;
    };
  }, [chat, draft, begin]);

  const add = useCallback(
    (files: Iterable<File>) => {
      for (const file of files) {
        // The contract's limit: at most 10 attachments on a message; further files are not uploaded.
        if (count.current >= MAX_ATTACHMENTS) break;
        count.current++;
        const key = next.current++;
        const name = nameOf(file);
        const item = begin(key, name, file, chat.draftFiles.added(draft, name, file));
        setItems((list) => [...list, item]);
      }
    },
    [chat, draft, begin],
  );

  const forget = (key: number) => {
    const r = records.current.get(key);
    records.current.delete(key);
    if (r) chat.draftFiles.forget(r.id);
  };

  /** Cancels an upload in flight, or removes a finished or failed one. */
  const remove = useCallback((key: number) => {
    forget(key);
    const task = live.current.get(key);
    if (task) task.abort();
    setItems((list) => list.filter((x) => x.key !== key));
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  /** The message was sent with them: they leave the composer and its stored draft. */
  const clear = useCallback(() => {
    [...records.current.keys()].forEach(forget);
    setItems([]);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  const uploads = items.flatMap((x) => (x.upload ? [x.upload] : []));
  const busy = items.some((x) => !x.upload && !x.error);
  return { items, add, remove, clear, uploads, busy };
}
