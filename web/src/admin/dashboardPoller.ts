// The operations dashboard's data: polls GET /api/admin/stats and GET /metrics, reads the numbers
// from both (readDashboard), computes messages per second from the messages_in counter when the
// stats JSON does not say, and keeps the recent rates for the chart. Views read snapshots through
// subscribe/getState, as they read the chat store.

import { readDashboard, rate, type DashboardNumbers } from './adminStats';
import { parsePrometheus } from './prometheus';

/** Where the numbers come from (the REST client). */
export interface AdminSource {
  adminStats(): Promise<Record<string, unknown>>;
  metrics(): Promise<string>;
}

export interface DashboardState {
  numbers: DashboardNumbers | null;
  /** Messages per second, oldest first, the last RATE_POINTS readings. */
  rateSeries: readonly number[];
  /** Why the last poll failed (both requests did), or null. */
  error: unknown;
  /** When the numbers were last read. */
  updated: Date | null;
}

export const POLL_MS = 2000;
export const RATE_POINTS = 60;

export class DashboardPoller {
  private state: DashboardState = { numbers: null, rateSeries: [], error: null, updated: null };
  private readonly listeners = new Set<() => void>();
  private prevCount: { at: number; count?: number } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by start and stop: a poll of an earlier run ends without effect. */
  private run = 0;

  constructor(
    private readonly source: AdminSource,
    private readonly pollMs = POLL_MS,
  ) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getState = (): DashboardState => this.state;

  /** Polls now and then every pollMs until stop. */
  start(): void {
    clearTimeout(this.timer);
    void this.poll(++this.run);
  }

  stop(): void {
    this.run++;
    clearTimeout(this.timer);
  }

  private async poll(run: number): Promise<void> {
    const [stats, metrics] = await Promise.allSettled([this.source.adminStats(), this.source.metrics()]);
    if (run !== this.run) return;
    if (stats.status === 'rejected' && metrics.status === 'rejected') {
      this.set({ error: stats.reason });
    } else {
      const d = readDashboard(
        stats.status === 'fulfilled' && stats.value && typeof stats.value === 'object' ? stats.value : null,
        metrics.status === 'fulfilled' && typeof metrics.value === 'string' ? parsePrometheus(metrics.value) : [],
      );
      const now = { at: Date.now(), count: d.messagesIn };
      const r = d.messagesPerSecond ?? rate(this.prevCount, now);
      this.prevCount = now;
      let rateSeries = this.state.rateSeries;
      if (r !== undefined) {
        d.messagesPerSecond = r;
        rateSeries = [...rateSeries, r].slice(-RATE_POINTS);
      }
      this.set({ error: null, numbers: d, rateSeries, updated: new Date() });
    }
    this.timer = setTimeout(() => void this.poll(run), this.pollMs);
  }

  private set(patch: Partial<DashboardState>): void {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((fn) => fn());
  }
}
