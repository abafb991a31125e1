import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../testing/memoryStorage';
import { UnsentStore, type UnsentEntry } from './unsentStore';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');

function entry(n: number, extra: Partial<UnsentEntry> = {}): UnsentEntry {
  return {
    clientId: `c-${n}`,
    room: 7,
    body: `body ${n}`,
    createdAt: new Date(T0 + n * 1000).toISOString(),
    userId: 1,
    username: 'ann',
    status: 'pending',
    tab: 'tab-a',
    ...extra,
  };
}

describe('UnsentStore', () => {
  it('keeps the thread a reply was written in, and drops an entry whose thread is not an id', () => {
    const storage = new MemoryStorage();
    const a = new UnsentStore(storage, 1, { now: () => T0 });
    a.put(entry(1, { replyTo: 40 }));
    a.put(entry(2, { replyTo: 'x' as unknown as number }));
    expect(new UnsentStore(storage, 1, { now: () => T0 }).list().map((e) => [e.clientId, e.replyTo])).toEqual([['c-1', 40]]);
  });

  it('keeps the uploaded files of a message, and drops an entry whose attachments are malformed', () => {
    const storage = new MemoryStorage();
    const a = new UnsentStore(storage, 1, { now: () => T0 });
    const file = { id: 5, name: 'a.png', size: 3, content_type: 'image/png', url: '/api/uploads/5', width: 2, height: 1 };
    a.put(entry(1, { body: '', attachments: [file] }));
    a.put(entry(2, { attachments: [{ id: 'x' }] as unknown as UnsentEntry['attachments'] }));
    expect(new UnsentStore(storage, 1, { now: () => T0 }).list().map((e) => [e.clientId, e.attachments])).toEqual([['c-1', [file]]]);
  });

  it('keeps entries across instances (a reload), oldest first, and updates and removes them', () => {
    const storage = new MemoryStorage();
    const a = new UnsentStore(storage, 1, { now: () => T0 });
    expect(a.put(entry(2))).toBe(true);
    expect(a.put(entry(1))).toBe(true);
    expect(a.put(entry(3, { room: 8 }))).toBe(true);

    const b = new UnsentStore(storage, 1, { now: () => T0 });
    expect(b.list().map((e) => e.clientId)).toEqual(['c-1', 'c-2', 'c-3']);
    b.update('c-2', { status: 'failed', error: 'rate_limited' });
    expect(b.list()[1]).toMatchObject({ status: 'failed', error: 'rate_limited' });
    b.update('c-2', { status: 'pending' });
    expect(b.list()[1].status).toBe('pending');
    expect(b.list()[1].error).toBeUndefined();
    b.update('missing', { status: 'failed' });
    b.remove('c-1');
    b.remove('missing');
    expect(b.list().map((e) => e.clientId)).toEqual(['c-2', 'c-3']);
  });

  it('replaces an entry written twice with the same client_id', () => {
    const s = new UnsentStore(new MemoryStorage(), 1, { now: () => T0 });
    s.put(entry(1));
    s.put(entry(1, { tab: 'tab-b' }));
    expect(s.list()).toEqual([entry(1, { tab: 'tab-b' })]);
  });

  it('never shows one user the entries of another', () => {
    const storage = new MemoryStorage();
    new UnsentStore(storage, 1, { now: () => T0 }).put(entry(1));
    const bob = new UnsentStore(storage, 2, { now: () => T0 });
    expect(bob.list()).toEqual([]);
    // An entry of user 1 planted under user 2's key is not trusted either.
    storage.setItem('parley.unsent.2.c-1', JSON.stringify(entry(1)));
    expect(bob.list()).toEqual([]);
    expect(bob.put(entry(5))).toBe(false); // an entry of someone else is refused
    expect(new UnsentStore(storage, 1, { now: () => T0 }).list().map((e) => e.clientId)).toEqual(['c-1']);
  });

  it('drops expired and unreadable entries', () => {
    const storage = new MemoryStorage();
    let now = T0;
    const s = new UnsentStore(storage, 1, { now: () => now, maxAgeMs: 60_000 });
    s.put(entry(1));
    s.put(entry(100));
    storage.setItem('parley.unsent.1.junk', '{not json');
    storage.setItem('parley.unsent.1.c-9', JSON.stringify({ ...entry(9), room: 'seven' }));
    storage.setItem('unrelated', 'kept');
    now = T0 + 90_000; // entry 1 is 89 s old, entry 100 not yet written by then
    expect(s.list().map((e) => e.clientId)).toEqual(['c-100']);
    expect([...storage.map.keys()].sort()).toEqual(['parley.unsent.1.c-100', 'unrelated']);
  });

  it('holds at most maxEntries, dropping the oldest', () => {
    const s = new UnsentStore(new MemoryStorage(), 1, { now: () => T0, maxEntries: 3 });
    for (let n = 1; n <= 5; n++) s.put(entry(n));
    expect(s.list().map((e) => e.clientId)).toEqual(['c-3', 'c-4', 'c-5']);
    s.put(entry(4, { status: 'failed' })); // an update does not evict
    expect(s.list().map((e) => e.clientId)).toEqual(['c-3', 'c-4', 'c-5']);
  });

  it('makes room when the storage is full, and reports when it cannot', () => {
    const one = JSON.stringify(entry(1)).length + 'parley.unsent.1.c-1'.length;
    const storage = new MemoryStorage(one * 3 + 10);
    const s = new UnsentStore(storage, 1, { now: () => T0, maxEntries: 10 });
    for (let n = 1; n <= 4; n++) expect(s.put(entry(n))).toBe(true);
    expect(s.list().map((e) => e.clientId)).toEqual(['c-2', 'c-3', 'c-4']);
    expect(s.put(entry(5, { body: 'x'.repeat(one * 4) }))).toBe(false);
    expect(s.list()).toEqual([]); // everything older was given up trying
  });

  it('works without storage, or with storage that throws, without throwing', () => {
    const none = new UnsentStore(null, 1);
    expect(none.put(entry(1))).toBe(false);
    expect(none.list()).toEqual([]);
    none.update('c-1', { status: 'failed' });
    none.remove('c-1');

    const storage = new MemoryStorage();
    const s = new UnsentStore(storage, 1, { now: () => T0 });
    s.put(entry(1));
    storage.broken = true;
    expect(s.put(entry(2))).toBe(false);
    expect(s.list()).toEqual([]);
    expect(() => s.update('c-1', { status: 'failed' })).not.toThrow();
    expect(() => s.remove('c-1')).not.toThrow();
    storage.broken = false;
    expect(s.list().map((e) => e.clientId)).toEqual(['c-1']);
  });
});
