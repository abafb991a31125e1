import { describe, expect, it } from 'vitest';
import { readDashboard, rate } from './adminStats';
import { histogramQuantile, parsePrometheus } from './prometheus';

const METRICS = `# HELP parley_ws_connections Open WebSocket connections.
# TYPE parley_ws_connections gauge
parley_ws_connections 12
parley_users_online 5
parley_rooms_active 3
parley_messages_in_total 1000
parley_messages_out_total 4000
parley_store_latency_seconds_bucket{le="0.001"} 50
parley_store_latency_seconds_bucket{le="0.002"} 100
parley_store_latency_seconds_bucket{le="+Inf"} 100
parley_store_latency_seconds_sum 0.1
parley_store_latency_seconds_count 100
parley_errors_total{code="rate_limited"} 7
parley_errors_total{code="not_found"} 2
`;

describe('prometheus', () => {
  it('parses samples and estimates quantiles from buckets', () => {
    const s = parsePrometheus(METRICS);
    expect(s.find((x) => x.name === 'parley_ws_connections')?.value).toBe(12);
    expect(histogramQuantile(s, 'parley_store_latency_seconds', 0.5)).toBeCloseTo(0.001);
    expect(histogramQuantile(s, 'parley_store_latency_seconds', 0.99)).toBeCloseTo(0.00198);
    expect(histogramQuantile(s, 'missing', 0.5)).toBeUndefined();
  });
});

describe('readDashboard', () => {
  it('prefers the stats JSON and shows its other numbers', () => {
    const d = readDashboard(
      {
        connections: 3,
        users_online: 2,
        rooms_active: 1,
        messages_in: 10,
        errors: { bad_request: 4 },
        recent_errors: [
          { ts: '2026-11-23T10:00:00.000Z', code: 'internal', message: 'a' },
          { ts: '2026-11-23T10:00:05.000Z', code: 'unavailable', message: 'b' },
        ],
        store_latency_p99_ms: 4.5,
        uptime_s: 99,
        store: { users: 4 },
      },
      parsePrometheus(METRICS),
    );
    expect(d).toMatchObject({ connections: 3, usersOnline: 2, roomsActive: 1, messagesIn: 10, storeP99Ms: 4.5, errors: { bad_request: 4 } });
    expect(d.recentErrors.map((e) => e.code)).toEqual(['unavailable', 'internal']);
    expect(d.other).toEqual({ uptime_s: 99, 'store.users': 4 });
  });

  it('falls back to /metrics when the JSON lacks a field, and tolerates garbage', () => {
    const d = readDashboard({ connections: 'many', recent_errors: 'none' }, parsePrometheus(METRICS));
    expect(d.connections).toBe(12);
    expect(d.messagesOut).toBe(4000);
    expect(d.storeP50Ms).toBeCloseTo(1);
    expect(d.errors).toEqual({ rate_limited: 7, not_found: 2 });
    expect(d.recentErrors).toEqual([]);
    expect(readDashboard(null, []).connections).toBeUndefined();
  });

  it('computes messages per second from two readings', () => {
    expect(rate(null, { at: 1000, count: 5 })).toBeUndefined();
    expect(rate({ at: 0, count: 0 }, { at: 2000, count: 10 })).toBe(5);
  });
});
