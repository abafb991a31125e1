import { describe, expect, it } from 'vitest';
import type { Message } from '../protocol/types';
import { groupByRoom, highlightParts, queryWords } from './search';

const msg = (id: number, room: number): Message => ({ id, room, from: { id: 1, username: 'a' }, body: `m${id}`, ts: '2026-01-01T00:00:00Z' });

describe('search', () => {
  it('reads words as runs of letters and digits', () => {
    expect(queryWords('"deploy" OR -link* :x')).toEqual(['deploy', 'OR', 'link', 'x']);
    expect(queryWords('*** --')).toEqual([]);
  });

  it('marks whole words and the last word as a prefix, ignoring case and accents', () => {
    const parts = highlightParts('Café deployment at the cafe, Deploy!', 'cafe deplo');
    expect(parts.filter((p) => p.match).map((p) => p.text)).toEqual(['Café', 'deplo', 'cafe', 'Deplo']);
    expect(parts.map((p) => p.text).join('')).toBe('Café deployment at the cafe, Deploy!');
  });

  it('does not mark a non-final word inside a longer one', () => {
    expect(highlightParts('cafeteria cafe', 'cafe x').filter((p) => p.match).map((p) => p.text)).toEqual(['cafe']);
  });

  it('keeps markup as plain text', () => {
    const parts = highlightParts('<img src=x onerror=alert(1)> hi', 'hi');
    expect(parts).toEqual([
      { text: '<img src=x onerror=alert(1)> ', match: false },
      { text: 'hi', match: true },
    ]);
  });

  it('groups results by room in first-seen order', () => {
    const g = groupByRoom([msg(9, 2), msg(8, 1), msg(7, 2)]);
    expect(g.map((x) => [x.room, x.messages.map((m) => m.id)])).toEqual([
      [2, [9, 7]],
      [1, [8]],
    ]);
  });
});
