// The composer's files not yet sent, per user and draft (a room, or a thread in it), kept across
// reloads: each file's bytes until its upload is done, then only the Upload. After a reload the
// composer shows the uploaded ones again and uploads the others anew from their bytes. Sending
// the message forgets them (the unsent message then carries the Uploads); so does removing one.

import type { Upload } from '../protocol/types';
import type { RecordStore } from '../storage/recordStore';

/** None older than this is offered again (an upload never attached is collected within a day anyway). */
const MAX_AGE_MS = 3 * 24 * 3600 * 1000;

export interface DraftFileRecord {
  id: string;
  user: number;
  draft: string;
  name: string;
  /** When it was attached (ms): restored in that order. */
  at: number;
  /** The bytes, until the upload is done. */
  blob?: Blob;
  upload?: Upload;
}

export class DraftFiles {
  /** Per record, its writes in order (the upload's end may come before the first write is done). */
  private readonly chains = new Map<string, Promise<void>>();
  private seq = 0;

  constructor(
    private readonly store: RecordStore<DraftFileRecord> | null,
    private readonly userId: () => number | null,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The files kept for a draft of the current user, oldest first; expired ones are dropped. */
  async list(draft: string): Promise<DraftFileRecord[]> {
    const user = this.userId();
    if (!this.store || user === null) return [];
    let all: DraftFileRecord[];
    try {
      all = await this.store.all();
    } catch {
      return [];
    }
    const fresh: DraftFileRecord[] = [];
    for (const r of all) {
      if (this.now() - r.at > MAX_AGE_MS) this.queue(r.id, (s) => s.delete(r.id));
      else if (r.user === user && r.draft === draft && (r.blob || r.upload)) fresh.push(r);
    }
    return fresh.sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  }

  /** A file attached: its bytes are kept until it is uploaded. Null when nothing is kept. */
  added(draft: string, name: string, blob: Blob): DraftFileRecord | null {
    const user = this.userId();
    if (!this.store || user === null) return null;
    const at = this.now();
    const id = `${at}-${++this.seq}-${Math.random().toString(36).slice(2, 8)}`;
    const record: DraftFileRecord = { id, user, draft, name, at, blob };
    this.queue(id, (s) => s.put(id, record));
    return record;
  }

  /** Its upload is done: the Upload replaces the bytes. */
  uploaded(record: DraftFileRecord | null, upload: Upload): void {
    if (!record) return;
    const next: DraftFileRecord = { id: record.id, user: record.user, draft: record.draft, name: record.name, at: record.at, upload };
    this.queue(record.id, (s) => s.put(record.id, next));
  }

  /** Removed from the composer, or sent. */
  forget(id: string): void {
    this.queue(id, (s) => s.delete(id));
  }

  /** Resolves once every write asked for so far is done (tests, and before a reload). */
  async settled(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private queue(id: string, op: (s: RecordStore<DraftFileRecord>) => Promise<void>): void {
    const store = this.store;
    if (!store) return;
    const next = (this.chains.get(id) ?? Promise.resolve()).then(() => op(store)).catch(() => undefined); // storage refused: memory only
    this.chains.set(id, next);
    void next.then(() => {
      if (this.chains.get(id) === next) this.chains.delete(id);
    });
  }
}
