import { describe, expect, it } from 'vitest';
import { UserPager } from './userPager';

describe('UserPager', () => {
  it('goes forward by next_after and back exactly', () => {
    const p = new UserPager();
    expect(p.current).toBeUndefined();
    expect(p.hasPrevious).toBe(false);
    p.next(20);
    p.next(41);
    expect(p.current).toBe(41);
    expect(p.page).toBe(3);
    p.previous();
    expect(p.current).toBe(20);
    p.previous();
    p.previous(); // at the first page already
    expect(p.current).toBeUndefined();
    expect(p.page).toBe(1);
  });
});
