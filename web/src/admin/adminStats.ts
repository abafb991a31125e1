// Reads the operations numbers the dashboard shows from GET /api/admin/stats, falling back to the
// Prometheus text of GET /metrics for anything the JSON does not carry. Every field is optional:
// the dashboard shows what exists.

import { histogramQuantile, total, type Sample } from './prometheus';

export interface RecentError {
  ts?: string;
  code?: string;
  message?: string;
  [k: string]: unknown;
}

export interface DashboardNumbers {
  connections?: number;
  usersOnline?: number;
  roomsActive?: number;
  messagesIn?: number;
  messagesOut?: number;
  messagesPerSecond?: number;
  storeP50Ms?: number;
  storeP99Ms?: number;
  deliveryP50Ms?: number;
  deliveryP99Ms?: number;
  errors: Record<string, number>;
  recentErrors: RecentError[];
  /** Every other numeric field of the stats JSON, flattened with dotted keys. */
  other: Record<string, number>;
}

/** The stats fields the dashboard reads by name (the rest go to `other`). */
export const KNOWN_FIELDS = [
  'connections',
  'users_online',
  'rooms_active',
  'messages_in',
  'messages_out',
  'messages_per_second',
  'store_latency_p50_ms',
  'store_latency_p99_ms',
  'delivery_latency_p50_ms',
  'delivery_latency_p99_ms',
  'errors',
  'recent_errors',
] as const;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Record<string, number>): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (!prefix && (KNOWN_FIELDS as readonly string[]).includes(k)) continue;
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
    else if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
  }
}

export function readDashboard(stats: Record<string, unknown> | null, samples: readonly Sample[]): DashboardNumbers {
  const s = stats ?? {};
  const q = (name: string, quantile: number) => {
    const v = histogramQuantile(samples, name, quantile);
    return v === undefined ? undefined : v * 1000;
  };
  const errors: Record<string, number> = {};
  if (s.errors && typeof s.errors === 'object' && !Array.isArray(s.errors)) {
    for (const [code, n] of Object.entries(s.errors as Record<string, unknown>)) if (num(n) !== undefined) errors[code] = n as number;
  } else {
    for (const smp of samples) if (smp.name === 'parley_errors_total' && smp.labels.code) errors[smp.labels.code] = smp.value;
  }
  const recent = Array.isArray(s.recent_errors) ? (s.recent_errors as unknown[]).filter((e): e is RecentError => !!e && typeof e === 'object') : [];
  const other: Record<string, number> = {};
  flatten(s, '', other);
  return {
    connections: num(s.connections) ?? total(samples, 'parley_ws_connections'),
    usersOnline: num(s.users_online) ?? total(samples, 'parley_users_online'),
    roomsActive: num(s.rooms_active) ?? total(samples, 'parley_rooms_active'),
    messagesIn: num(s.messages_in) ?? total(samples, 'parley_messages_in_total'),
    messagesOut: num(s.messages_out) ?? total(samples, 'parley_messages_out_total'),
    messagesPerSecond: num(s.messages_per_second),
    storeP50Ms: num(s.store_latency_p50_ms) ?? q('parley_store_latency_seconds', 0.5),
    storeP99Ms: num(s.store_latency_p99_ms) ?? q('parley_store_latency_seconds', 0.99),
    deliveryP50Ms: num(s.delivery_latency_p50_ms) ?? q('parley_delivery_latency_seconds', 0.5),
    deliveryP99Ms: num(s.delivery_latency_p99_ms) ?? q('parley_delivery_latency_seconds', 0.99),
    errors,
    recentErrors: recent.slice().sort((a, b) => String(b.ts ?? '').localeCompare(String(a.ts ?? ''))).slice(0, 20),
    other,
  };
}

/** Messages per second between two readings of the messages_in counter. */
export function rate(prev: { at: number; count?: number } | null, now: { at: number; count?: number }): number | undefined {
  if (!prev || prev.count === undefined || now.count === undefined) return undefined;
  const dt = (now.at - prev.at) / 1000;
  if (dt <= 0) return undefined;
  return Math.max(0, (now.count - prev.count) / dt);
}
