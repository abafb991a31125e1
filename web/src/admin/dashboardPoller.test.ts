import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DashboardPoller, RATE_POINTS, type AdminSource } from './dashboardPoller';

/** A server whose messages_in counter the test advances; either endpoint can be made to fail. */
function fakeSource() {
  const src = {
    messagesIn: 0,
    statsDown: false,
    metricsDown: false,
    calls: 0,
    adminStats: vi.fn(async () => {
      src.calls++;
      if (src.statsDown) throw new Error('stats down');
      return { connections: 2, messages_in: src.messagesIn };
    }),
    metrics: vi.fn(async () => {
      if (src.metricsDown) throw new Error('metrics down');
      return 'parley_users_online 3\n';
    }),
  };
  return src;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-11-23T10:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('DashboardPoller', () => {
  it('reads both endpoints every interval and charts messages per second from the counter', async () => {
    const src = fakeSource();
    const poller = new DashboardPoller(src as AdminSource, 2000);
    const seen = vi.fn();
    poller.subscribe(seen);
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(poller.getState().numbers).toMatchObject({ connections: 2, usersOnline: 3, messagesIn: 0 });
    expect(poller.getState().rateSeries).toEqual([]); // one reading: no rate yet
    src.messagesIn = 10;
    await vi.advanceTimersByTimeAsync(2000);
    expect(src.calls).toBe(2);
    expect(poller.getState().rateSeries).toEqual([5]);
    expect(poller.getState().numbers?.messagesPerSecond).toBe(5);
    expect(poller.getState().updated?.toISOString()).toBe('2026-11-23T10:00:02.000Z');
    expect(seen).toHaveBeenCalled();
    poller.stop();
  });

  it('keeps the last RATE_POINTS rates', async () => {
    const src = fakeSource();
    const poller = new DashboardPoller(src as AdminSource, 1000);
    poller.start();
    for (let i = 0; i < RATE_POINTS + 5; i++) {
      src.messagesIn += i;
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(poller.getState().rateSeries).toHaveLength(RATE_POINTS);
    expect(poller.getState().rateSeries[RATE_POINTS - 1]).toBe(RATE_POINTS + 4);
    poller.stop();
  });

  it('reports an error only when both endpoints fail, and keeps the last numbers', async () => {
    const src = fakeSource();
    const poller = new DashboardPoller(src as AdminSource, 2000);
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    src.statsDown = true;
    await vi.advanceTimersByTimeAsync(2000);
    expect(poller.getState().error).toBeNull();
    expect(poller.getState().numbers?.usersOnline).toBe(3);
    src.metricsDown = true;
    await vi.advanceTimersByTimeAsync(2000);
    expect((poller.getState().error as Error).message).toBe('stats down');
    expect(poller.getState().numbers?.usersOnline).toBe(3);
    poller.stop();
  });

  it('stops polling on stop, and a poll still in flight changes nothing', async () => {
    const src = fakeSource();
    const poller = new DashboardPoller(src as AdminSource, 2000);
    poller.start();
    poller.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(src.calls).toBe(1);
    expect(poller.getState().numbers).toBeNull();
  });
});
