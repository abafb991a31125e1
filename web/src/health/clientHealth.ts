// The web app's own health, reported to the server (POST /api/client-health, see
// docs/api-extensions.md): page loads, client errors and WebSocket reconnects, counted here and
// sent in small batches. The server rate-limits reports, so this sends at most one per interval,
// caps each count per report and keeps the rest for the next one.

export interface HealthCounts {
  page_loads: number;
  client_errors: number;
  ws_reconnects: number;
}

/** Sends one report; resolves to the HTTP status (0 when the network failed). */
export type HealthSender = (counts: HealthCounts) => Promise<number>;

export const REPORT_INTERVAL_MS = 30_000;
export const MAX_PER_REPORT = 100;

export class ClientHealth {
  private pending: HealthCounts = { page_loads: 0, client_errors: 0, ws_reconnects: 0 };
  private sending = false;

  constructor(private readonly send: HealthSender) {}

  pageLoaded(): void {
    this.pending.page_loads++;
  }
  clientError(): void {
    this.pending.client_errors++;
  }
  wsReconnected(): void {
    this.pending.ws_reconnects++;
  }

  get counts(): Readonly<HealthCounts> {
    return this.pending;
  }

  /** Sends what is pending (capped per count); what was not accepted stays pending. */
  async flush(): Promise<void> {
    if (this.sending) return;
    const p = this.pending;
    if (!p.page_loads && !p.client_errors && !p.ws_reconnects) return;
    const batch: HealthCounts = {
      page_loads: Math.min(p.page_loads, MAX_PER_REPORT),
      client_errors: Math.min(p.client_errors, MAX_PER_REPORT),
      ws_reconnects: Math.min(p.ws_reconnects, MAX_PER_REPORT),
    };
    this.sending = true;
    let status = 0;
    try {
      status = await this.send(batch);
    } catch {
      status = 0;
    } finally {
      this.sending = false;
    }
    // 204: counted. 400: this batch can never be counted, drop it. Anything else (429, network,
    // 5xx): keep it for the next report.
    if (status === 204 || status === 400) {
      this.pending.page_loads -= batch.page_loads;
      this.pending.client_errors -= batch.client_errors;
      this.pending.ws_reconnects -= batch.ws_reconnects;
    }
  }
}

/**
 * Wraps a WebSocket factory: every socket after the page's first is a reconnect (the chat client
 * opens a new one only to reconnect).
 */
export function countingSocketFactory<S>(
  health: ClientHealth,
  create: (url: string, protocols?: string[]) => S,
): (url: string, protocols?: string[]) => S {
  let opened = 0;
  return (url: string, protocols?: string[]) => {
    if (opened++ > 0) health.wsReconnected();
    // The subprotocol list carries the v1.1 token: it must reach the socket unchanged.
    return create(url, protocols);
  };
}
