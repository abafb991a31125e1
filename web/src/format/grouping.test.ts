import { describe, expect, it } from 'vitest';
import { dayLabel, groupMessages, type Groupable } from './grouping';

function item(key: string, sender: number, date: Date): Groupable {
  return { key, senderId: sender, senderName: `u${sender}`, date };
}

describe('groupMessages', () => {
  it('groups consecutive messages of one sender and separates local days', () => {
    const d = (day: number, h: number, m: number) => new Date(2026, 10, day, h, m);
    const out = groupMessages([
      item('1', 1, d(22, 23, 50)),
      item('2', 1, d(22, 23, 52)),
      item('3', 2, d(22, 23, 53)),
      item('4', 2, d(23, 0, 1)), // next local day: new separator and new group
      item('5', 2, d(23, 0, 30)), // more than 5 minutes later: new group
      item('6', 1, d(23, 0, 31)),
    ]);
    expect(out.map((x) => (x.kind === 'day' ? 'day' : x.items.map((i) => i.key).join('')))).toEqual(['day', '12', '3', 'day', '4', '5', '6']);
  });

  it('labels today and yesterday', () => {
    const now = new Date(2026, 10, 23, 12, 0);
    expect(dayLabel(new Date(2026, 10, 23, 1, 0), now, 'en', 'Today', 'Yesterday')).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 22, 23, 0), now, 'en', 'Today', 'Yesterday')).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 20, 23, 0), now, 'en', 'Today', 'Yesterday')).toMatch(/November/);
  });
});
