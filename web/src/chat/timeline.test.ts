import { describe, expect, it } from 'vitest';
import { addMessages, addPending, applyAck, applyChanges, emptyTimeline, findMessage, indexOfFirstAbove, mergeMessages, setPendingStatus, type PendingMessage, type Timeline } from './timeline';
import type { Message } from '../protocol/types';

const ME = 1;
function msg(id: number, from = 2, extra: Partial<Message> = {}): Message {
  return { id, room: 7, from: { id: from, username: from === ME ? 'me' : 'bo' }, body: `m${id}`, ts: `2026-01-01T00:00:${String(id % 60).padStart(2, '0')}.000Z`, ...extra };
}
function pending(clientId: string, body = 'hi'): PendingMessage {
  return { clientId, room: 7, body, from: { id: ME, username: 'me' }, createdAt: '2026-01-01T00:01:00.000Z', status: 'pending' };
}
const ids = (tl: Timeline) => tl.messages.map((m) => m.id);

describe('mergeMessages', () => {
  it('orders by id and drops duplicates whatever the arrival order', () => {
    const live = [msg(10), msg(11)];
    const history = [msg(9), msg(8), msg(10)].reverse(); // a page overlapping the live ones
    const missed = [msg(11), msg(12)];
    let list = mergeMessages([], live);
    list = mergeMessages(list, history);
    list = mergeMessages(list, missed);
    list = mergeMessages(list, [msg(12), msg(5)]);
    expect(list.map((m) => m.id)).toEqual([5, 8, 9, 10, 11, 12]);
  });

  it('takes the fast path for newer messages and keeps the same array when nothing is added', () => {
    const list = mergeMessages([msg(1)], [msg(2), msg(3)]);
    expect(list.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(mergeMessages(list, [])).toBe(list);
  });

  it('handles a newest-first history page', () => {
    const page = [msg(30), msg(29), msg(28)];
    expect(mergeMessages([msg(31)], page).map((m) => m.id)).toEqual([28, 29, 30, 31]);
  });
});

describe('message states (rev)', () => {
  it('lets a copy replace a held message unless it is an older state', () => {
    let list = mergeMessages([], [msg(1), msg(2, 2, { rev: 5, body: 'edited' })]);
    list = mergeMessages(list, [msg(2, 2, { body: 'original' })]); // a late history page (rev 2)
    expect(list[1].body).toBe('edited');
    const same = mergeMessages(list, [msg(1, 2, { rev: 1 })]);
    expect(same[0]).not.toBe(list[0]); // the same state again: the newer copy (with more fields) wins
    expect(mergeMessages(list, [msg(2, 2, { body: 'older', rev: 4 })])).toBe(list);
  });

  it('applies changes to held messages only, so the history keeps no holes', () => {
    const tl = addMessages(emptyTimeline, [msg(10), msg(11), msg(12)], ME);
    const next = applyChanges(tl, [msg(3, 2, { rev: 13, body: 'old one edited' }), msg(11, 2, { rev: 14, deleted: true, body: '' })]);
    expect(ids(next)).toEqual([10, 11, 12]);
    expect(findMessage(next, 11)?.deleted).toBe(true);
    expect(applyChanges(next, [msg(11, 2, { rev: 13 })])).toBe(next);
    expect(findMessage(next, 3)).toBeUndefined();
  });

  it('finds the first message above an id', () => {
    const list = [msg(2), msg(4), msg(6)];
    expect([0, 2, 3, 6, 7].map((id) => indexOfFirstAbove(list, id))).toEqual([0, 1, 1, 3, 3]);
  });

  it('keeps the thread of an acknowledged reply', () => {
    const tl = addPending(emptyTimeline, { ...pending('c-r', 'a reply'), replyTo: 4 });
    expect(applyAck(tl, 'c-r', 9, 'x').messages[0]).toMatchObject({ id: 9, reply_to: 4 });
  });
});

describe('pending messages', () => {
  it('becomes a stored message on ack, once, and the echoed message frame does not double it', () => {
    let tl = addPending(emptyTimeline, pending('c-1', 'hello'));
    tl = addMessages(tl, [msg(5)], ME);
    expect(tl.pending).toHaveLength(1);
    tl = applyAck(tl, 'c-1', 6, '2026-01-01T00:01:00.100Z');
    expect(tl.pending).toHaveLength(0);
    expect(ids(tl)).toEqual([5, 6]);
    expect(tl.messages[1]).toMatchObject({ id: 6, body: 'hello', client_id: 'c-1', from: { id: ME } });
    tl = addMessages(tl, [msg(6, ME, { body: 'hello', client_id: 'c-1' })], ME);
    tl = applyAck(tl, 'c-1', 6, 'x'); // a repeated ack (resend after reconnect)
    expect(ids(tl)).toEqual([5, 6]);
  });

  it('is resolved by its own message frame arriving before the ack', () => {
    let tl = addPending(emptyTimeline, pending('c-2'));
    tl = addMessages(tl, [msg(8, ME, { client_id: 'c-2', body: 'hi' })], ME);
    expect(tl.pending).toHaveLength(0);
    tl = applyAck(tl, 'c-2', 8, 'x');
    expect(ids(tl)).toEqual([8]);
  });

  it('ignores another user whose client_id happens to match', () => {
    let tl = addPending(emptyTimeline, pending('c-3'));
    tl = addMessages(tl, [msg(9, 2, { client_id: 'c-3' })], ME);
    expect(tl.pending).toHaveLength(1);
  });

  it('keeps pending messages in written order and lets a failed one be retried in place', () => {
    let tl = addPending(emptyTimeline, pending('a'));
    tl = addPending(tl, pending('b'));
    tl = addPending(tl, pending('a')); // adding the same client_id twice is a no-op
    tl = setPendingStatus(tl, 'a', 'failed', 'rate_limited');
    expect(tl.pending.map((p) => [p.clientId, p.status])).toEqual([
      ['a', 'failed'],
      ['b', 'pending'],
    ]);
    tl = setPendingStatus(tl, 'a', 'pending');
    tl = applyAck(tl, 'b', 3, 'x');
    tl = applyAck(tl, 'a', 4, 'x');
    expect(ids(tl)).toEqual([3, 4]);
    expect(tl.pending).toEqual([]);
  });

  it('puts a message restored after a reload before the newer ones written meanwhile', () => {
    let tl = addPending(emptyTimeline, { ...pending('new'), createdAt: '2026-01-01T00:05:00.000Z' });
    tl = addPending(tl, { ...pending('old-2'), createdAt: '2026-01-01T00:02:00.000Z' });
    tl = addPending(tl, { ...pending('old-1'), createdAt: '2026-01-01T00:01:00.000Z' });
    tl = addPending(tl, { ...pending('same-time'), createdAt: '2026-01-01T00:02:00.000Z' });
    expect(tl.pending.map((p) => p.clientId)).toEqual(['old-1', 'old-2', 'same-time', 'new']);
  });
});
