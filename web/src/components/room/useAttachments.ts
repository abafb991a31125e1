import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatStore } from '../../chat/chatStore';
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

/** The composer's attachments: each file uploaded at once with progress, cancellable, removable. */
export function useAttachments(chat: ChatStore) {
  const [items, setItems] = useState<DraftAttachment[]>([]);
  const count = useRef(0);
  count.current = items.length;
  const next = useRef(1);
  const live = useRef(new Map<number, UploadTask>());

  useEffect(() => {
    const tasks = live.current;
    return () => tasks.forEach((t) => t.abort());
  }, []);

  const update = (key: number, patch: Partial<DraftAttachment>) => setItems((list) => list.map((x) => (x.key === key ? { ...x, ...patch } : x)));

  const add = useCallback(
    (files: Iterable<File>) => {
      for (const file of files) {
        // The contract's limit: at most 10 attachments on a message; further files are not uploaded.
        if (count.current >= MAX_ATTACHMENTS) break;
        count.current++;
        const key = next.current++;
        const name = nameOf(file);
        const task = chat.upload(file, name, (p) => update(key, { progress: p }));
        live.current.set(key, task);
        setItems((list) => [...list, { key, name, progress: 0, task }]);
        task.done.then(
          (upload) => update(key, { upload, progress: 1, task: undefined }),
          (e: { code?: string; message?: string }) => {
            if (e?.code === 'aborted') setItems((list) => list.filter((x) => x.key !== key));
            else update(key, { error: e?.message ?? String(e), task: undefined });
          },
        );
        void task.done.finally(() => live.current.delete(key)).catch(() => undefined);
      }
    },
    [chat],
  );

  /** Cancels an upload in flight, or removes a finished or failed one. */
  const remove = useCallback((key: number) => {
    const task = live.current.get(key);
    if (task) task.abort();
    setItems((list) => list.filter((x) => x.key !== key));
  }, []);

  const clear = useCallback(() => setItems([]), []);
  const uploads = items.flatMap((x) => (x.upload ? [x.upload] : []));
  const busy = items.some((x) => !x.upload && !x.error);
  return { items, add, remove, clear, uploads, busy };
}
