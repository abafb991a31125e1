import { describe, expect, it } from 'vitest';
import type { Room } from '../protocol/types';
import { roomTitle } from './roomTitle';

const me = { id: 1, username: 'ann', role: 'user' };
const room7: Room = { id: 7, name: 'general', private: false, owner_id: 2, created_at: 'x', member_count: 2, joined: true };

describe('roomTitle', () => {
  it('names a DM after the other person', () => {
    expect(roomTitle({ ...room7, private: true, name: 'dm:ann,bo' }, me)).toBe('@bo');
    expect(roomTitle(room7, me)).toBe('general');
  });
});
