import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthResponse } from '../protocol/types';
import type { KeyValueStorage } from '../storage/keyValueStorage';
import { jwtExpiry } from './jwtExpiry';
import { LocalMutex } from './localMutex';
import { SessionExpiredError } from './sessionExpiredError';
import type { SharedTokenRecord, SharedTokenStore } from './sharedTokenStore';
import { StorageLock } from './storageLock';
import { REFRESH_KEY, TokenManager } from './tokenManager';

class MemoryStorage implements KeyValueStorage {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

function jwt(expSeconds: number, n: number): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${b64({ alg: 'HS256' })}.${b64({ sub: '1', exp: expSeconds, n })}.sig`;
}

/** The server side of refresh: rotation, and reuse of a rotated token revokes the family. */
class FakeAuthServer {
  current = 'r0';
  rotated = new Set<string>();
  revoked = false;
  calls: string[] = [];
  seq = 0;
  lifetimeS = 900;
  async refresh(token: string): Promise<AuthResponse> {
    this.calls.push(token);
    await new Promise((r) => setTimeout(r, 5)); // network latency, so calls can overlap
    if (this.rotated.has(token)) this.revoked = true;
    if (this.revoked || token !== this.current) throw Object.assign(new Error('unauthorized'), { status: 401 });
    this.rotated.add(token);
    this.seq += 1;
    this.current = `r${this.seq}`;
    return {
      user: { id: 1, username: 'ann', role: 'user' },
      access_token: jwt(Math.floor(Date.now() / 1000) + this.lifetimeS, this.seq),
      refresh_token: this.current,
      expires_in: this.lifetimeS,
    };
  }
}

function manager(server: FakeAuthServer, storage: KeyValueStorage, lock = new LocalMutex(), shared?: SharedTokenStore) {
  return new TokenManager({ refresh: (t) => server.refresh(t), storage, lock, shared });
}

/**
 * localStorage as Chromium gives it to tabs in different renderer processes: each tab has its own
 * copy, and a write reaches the other copies `lagMs` later (the lock can be handed over sooner).
 */
function laggingStorages(count: number, lagMs: number): KeyValueStorage[] {
  const copies = Array.from({ length: count }, () => new Map<string, { value: string | null; seq: number }>());
  let seq = 0;
  const write = (from: number, key: string, value: string | null) => {
    const entry = { value, seq: ++seq };
    // Writes keep their global order: a late copy of an older write does not undo a newer one.
    const apply = (c: Map<string, { value: string | null; seq: number }>) => {
      if ((c.get(key)?.seq ?? 0) < entry.seq) c.set(key, entry);
    };
    apply(copies[from]);
    copies.forEach((c, i) => i !== from && setTimeout(() => apply(c), lagMs));
  };
  return copies.map((c, i) => ({
    getItem: (k: string) => c.get(k)?.value ?? null,
    setItem: (k: string, v: string) => write(i, k, v),
    removeItem: (k: string) => write(i, k, null),
  }));
}

/** IndexedDB's part: one record that every tab reads as last written. */
class MemoryTokenStore implements SharedTokenStore {
  record: SharedTokenRecord | null = null;
  failing = false;
  async get() {
    if (this.failing) throw new Error('IndexedDB did not answer');
    return this.record && { ...this.record, spent: [...this.record.spent] };
  }
  async set(record: SharedTokenRecord | null) {
    if (this.failing) throw new Error('IndexedDB did not answer');
    this.record = record;
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-11-23T10:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('TokenManager', () => {
  it('reads the expiry from the JWT', () => {
    expect(jwtExpiry(jwt(1234, 1))).toBe(1_234_000);
    expect(jwtExpiry('not-a-jwt')).toBeNull();
  });

  it('shares one refresh among concurrent callers in a tab', async () => {
    const server = new FakeAuthServer();
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_KEY, 'r0');
    const tm = manager(server, storage);
    const all = Promise.all([tm.getAccessToken(), tm.getAccessToken(), tm.refresh()]);
    await vi.advanceTimersByTimeAsync(10);
    const tokens = await all;
    expect(new Set(tokens).size).toBe(1);
    expect(server.calls).toEqual(['r0']);
    expect(storage.getItem(REFRESH_KEY)).toBe('r1');
    expect(tm.accessToken).toBe(tokens[0]);
  });

  it('refreshes before the access token expires, with the rotated refresh token', async () => {
    const server = new FakeAuthServer();
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_KEY, 'r0');
    const tm = manager(server, storage);
    const first = tm.refresh();
    await vi.advanceTimersByTimeAsync(10);
    const t1 = await first;
    // 15-minute tokens are renewed a minute before expiry.
    await vi.advanceTimersByTimeAsync(13 * 60_000);
    expect(server.calls).toEqual(['r0']);
    await vi.advanceTimersByTimeAsync(60_000 + 10);
    expect(server.calls).toEqual(['r0', 'r1']);
    expect(tm.accessToken).not.toBe(t1);
    expect(jwtExpiry(tm.accessToken!)! - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(storage.getItem(REFRESH_KEY)).toBe('r2');
    expect(server.revoked).toBe(false);
  });

  it('lets two tabs refresh at once without presenting the same token twice', async () => {
    const server = new FakeAuthServer();
    const storage = new MemoryStorage(); // localStorage is shared by the tabs
    storage.setItem(REFRESH_KEY, 'r0');
    const lock = new LocalMutex(); // stands for the Web Locks API, shared by the tabs
    const tabA = manager(server, storage, lock);
    const tabB = manager(server, storage, lock);
    const both = Promise.all([tabA.refresh(), tabB.refresh()]);
    await vi.advanceTimersByTimeAsync(20);
    const [a, b] = await both;
    expect(server.calls).toEqual(['r0', 'r1']);
    expect(server.revoked).toBe(false);
    expect(a).not.toBe(b);
    expect(storage.getItem(REFRESH_KEY)).toBe('r2');
    // Both keep working afterwards.
    const again = Promise.all([tabA.refresh(), tabB.refresh()]);
    await vi.advanceTimersByTimeAsync(20);
    await again;
    expect(server.revoked).toBe(false);
    expect(server.calls).toEqual(['r0', 'r1', 'r2', 'r3']);
  });

  it('serialises tabs with the storage lock when the Web Locks API is missing', async () => {
    vi.useRealTimers();
    const server = new FakeAuthServer();
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_KEY, 'r0');
    const tabA = manager(server, storage, new StorageLock(storage) as unknown as LocalMutex);
    const tabB = manager(server, storage, new StorageLock(storage) as unknown as LocalMutex);
    await Promise.all([tabA.refresh(), tabB.refresh()]);
    expect(server.revoked).toBe(false);
    expect(server.calls.sort()).toEqual(['r0', 'r1']);
  });

  it('uses the token another tab stored when its own was already rotated', async () => {
    const server = new FakeAuthServer();
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_KEY, 'r0');
    // The other tab rotated r0 → r1 without our lock: our refresh reads r1 from storage inside the lock.
    const other = manager(server, storage);
    const p = other.refresh();
    await vi.advanceTimersByTimeAsync(10);
    await p;
    const tm = manager(server, storage);
    const q = tm.refresh();
    await vi.advanceTimersByTimeAsync(10);
    await q;
    expect(server.calls).toEqual(['r0', 'r1']);
  });

  it('ends the session when the refresh token is refused', async () => {
    const server = new FakeAuthServer();
    server.revoked = true;
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_KEY, 'r0');
    const tm = manager(server, storage);
    const expired = vi.fn();
    tm.onExpired(expired);
    const p = tm.getAccessToken();
    const check = expect(p).rejects.toBeInstanceOf(SessionExpiredError);
    await vi.advanceTimersByTimeAsync(10);
    await check;
    expect(expired).toHaveBeenCalledTimes(1);
    expect(storage.getItem(REFRESH_KEY)).toBeNull();
    expect(tm.hasStoredSession()).toBe(false);
  });

  it('a tab whose localStorage lags behind another tab\'s rotation presents the newest token', async () => {
    const server = new FakeAuthServer();
    const [storageA, storageB] = laggingStorages(2, 50);
    const shared = new MemoryTokenStore();
    const lock = new LocalMutex();
    const tabA = manager(server, storageA, lock, shared);
    const tabB = manager(server, storageB, lock, shared);
    storageA.setItem(REFRESH_KEY, 'r0');
    shared.record = { token: 'r0', spent: [] };
    await vi.advanceTimersByTimeAsync(100);
    // Both refresh at once: B is granted the lock right after A rotated r0, before A's write reached B.
    const both = Promise.all([tabA.refresh(), tabB.refresh()]);
    await vi.advanceTimersByTimeAsync(20);
    await both;
    expect(server.calls).toEqual(['r0', 'r1']);
    expect(server.revoked).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(storageA.getItem(REFRESH_KEY)).toBe('r2');
    expect(storageB.getItem(REFRESH_KEY)).toBe('r2');
    expect(shared.record).toEqual({ token: 'r2', spent: ['r0', 'r1'] });
  });

  it('uses a localStorage token the shared record does not know (a newer login, a lost record)', async () => {
    const server = new FakeAuthServer();
    server.current = 'r5';
    server.seq = 5;
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_KEY, 'r5');
    const shared = new MemoryTokenStore();
    shared.record = { token: 'r4', spent: ['r3'] };
    const tm = manager(server, storage, new LocalMutex(), shared);
    const p = tm.refresh();
    await vi.advanceTimersByTimeAsync(10);
    await p;
    expect(server.calls).toEqual(['r5']);
    expect(shared.record).toEqual({ token: 'r6', spent: ['r5'] });
  });

  it('falls back to localStorage when the shared store fails', async () => {
    const server = new FakeAuthServer();
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_KEY, 'r0');
    const shared = new MemoryTokenStore();
    shared.failing = true;
    const tm = manager(server, storage, new LocalMutex(), shared);
    const p = tm.refresh();
    await vi.advanceTimersByTimeAsync(10);
    await p;
    expect(server.calls).toEqual(['r0']);
    expect(storage.getItem(REFRESH_KEY)).toBe('r1');
  });

  it('forgets the shared record on logout', async () => {
    const server = new FakeAuthServer();
    const storage = new MemoryStorage();
    const shared = new MemoryTokenStore();
    const tm = manager(server, storage, new LocalMutex(), shared);
    const login = server.refresh('r0');
    await vi.advanceTimersByTimeAsync(10);
    tm.setSession(await login);
    await vi.advanceTimersByTimeAsync(0);
    expect(shared.record).toEqual({ token: 'r1', spent: [] });
    tm.clear();
    await vi.advanceTimersByTimeAsync(0);
    expect(shared.record).toBeNull();
    await expect(tm.refresh()).rejects.toBeInstanceOf(SessionExpiredError);
  });

  it('keeps the session on a network failure (not a 401)', async () => {
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_KEY, 'r0');
    const tm = new TokenManager({ refresh: () => Promise.reject(new Error('offline')), storage, lock: new LocalMutex() });
    await expect(tm.refresh()).rejects.toThrow('offline');
    expect(storage.getItem(REFRESH_KEY)).toBe('r0');
  });
});
