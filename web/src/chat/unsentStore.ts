// The user's unsent messages (pending or failed), kept in localStorage so that a reload does not
// lose them. One key per message (`parley.unsent.<userId>.<clientId>`): tabs then never overwrite
// each other's entries with a stale read-modify-write. Every storage call may throw (storage
// disabled, quota full); this module then degrades to "not persisted" and never breaks the app.

import type { Upload } from '../protocol/types';
import type { EnumerableStorage } from '../storage/keyValueStorage';
import type { SendStatus } from './timeline';

export interface UnsentEntry {
  clientId: string;
  room: number;
  body: string;
  /** RFC 3339; entries are replayed in this order. */
  createdAt: string;
  userId: number;
  username: string;
  status: SendStatus;
  error?: string;
  /** The tab that sends it; another tab leaves it alone while that tab lives. */
  tab: string;
  /** The thread it replies in, if any. */
  replyTo?: number;
  /** Files uploaded already, sent with it. */
  attachments?: Upload[];
}

export const MAX_UNSENT = 300;
export const MAX_UNSENT_AGE_MS = 3 * 24 * 3600 * 1000;

const PREFIX = 'parley.unsent.';

export interface UnsentStoreOptions {
  now?: () => number;
  maxEntries?: number;
  maxAgeMs?: number;
}

function isEntry(v: unknown, userId: number): v is UnsentEntry {
  const e = v as UnsentEntry;
  return (
    !!e &&
    typeof e.clientId === 'string' &&
    Number.isInteger(e.room) &&
    typeof e.body === 'string' &&
    typeof e.createdAt === 'string' &&
    !Number.isNaN(Date.parse(e.createdAt)) &&
    e.userId === userId &&
    typeof e.username === 'string' &&
    (e.status === 'pending' || e.status === 'failed') &&
    typeof e.tab === 'string' &&
    (e.replyTo === undefined || Number.isInteger(e.replyTo)) &&
    (e.attachments === undefined || (Array.isArray(e.attachments) && e.attachments.every((a) => !!a && Number.isInteger(a.id) && typeof a.url === 'string')))
  );
}

export class UnsentStore {
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;

  constructor(
    private readonly storage: EnumerableStorage | null,
    private readonly userId: number,
    opts: UnsentStoreOptions = {},
  ) {
    this.prefix = `${PREFIX}${userId}.`;
    this.now = opts.now ?? (() => Date.now());
    this.maxEntries = opts.maxEntries ?? MAX_UNSENT;
    this.maxAgeMs = opts.maxAgeMs ?? MAX_UNSENT_AGE_MS;
  }

  /** This user's entries, oldest first; expired and unreadable ones are deleted on the way. */
  list(): UnsentEntry[] {
    const out: UnsentEntry[] = [];
    for (const key of this.keys()) {
      const e = this.read(key);
      if (!e || this.now() - Date.parse(e.createdAt) > this.maxAgeMs) this.removeKey(key);
      else out.push(e);
    }
    return out.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.clientId < b.clientId ? -1 : 1));
  }

  /** Stores or replaces an entry. False when it could not be persisted (it still lives in memory). */
  put(entry: UnsentEntry): boolean {
    if (!this.storage || entry.userId !== this.userId) return false;
    const key = this.prefix + entry.clientId;
    const isNew = this.read(key) === null;
    if (isNew) this.trim(this.maxEntries - 1);
    if (this.write(key, entry)) return true;
    // Quota full: drop this user's oldest entries one by one until it fits.
    for (const old of this.list()) {
      if (old.clientId === entry.clientId) continue;
      this.remove(old.clientId);
      if (this.write(key, entry)) return true;
    }
    return false;
  }

  /** Changes the status of a stored entry (no-op when absent). */
  update(clientId: string, patch: Partial<Pick<UnsentEntry, 'status' | 'error' | 'tab'>>): void {
    const key = this.prefix + clientId;
    const e = this.read(key);
    if (!e) return;
    const next = { ...e, ...patch };
    if (patch.status === 'pending') delete next.error;
    this.write(key, next);
  }

  remove(clientId: string): void {
    this.removeKey(this.prefix + clientId);
  }

  // --- internals ---

  private keys(): string[] {
    const keys: string[] = [];
    try {
      if (!this.storage) return keys;
      for (let i = 0; i < this.storage.length; i++) {
        const k = this.storage.key(i);
        if (k?.startsWith(this.prefix)) keys.push(k);
      }
    } catch {
      /* storage unavailable: nothing persisted */
    }
    return keys;
  }

  private read(key: string): UnsentEntry | null {
    try {
      const raw = this.storage?.getItem(key);
      if (!raw) return null;
      const v = JSON.parse(raw) as unknown;
      return isEntry(v, this.userId) && key === this.prefix + v.clientId ? v : null;
    } catch {
      return null;
    }
  }

  private write(key: string, e: UnsentEntry): boolean {
    try {
      this.storage?.setItem(key, JSON.stringify(e));
      return !!this.storage;
    } catch {
      return false;
    }
  }

  private removeKey(key: string): void {
    try {
      this.storage?.removeItem(key);
    } catch {
      /* nothing to do */
    }
  }

  /** Keeps at most `keep` entries, dropping the oldest. */
  private trim(keep: number): void {
    const all = this.list();
    for (const e of all.slice(0, Math.max(0, all.length - Math.max(0, keep)))) this.remove(e.clientId);
  }
}
