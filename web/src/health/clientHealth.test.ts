import { describe, expect, it } from 'vitest';
import { ClientHealth, countingSocketFactory, MAX_PER_REPORT, type HealthCounts } from './clientHealth';

describe('ClientHealth', () => {
  it('sends what is pending once and nothing when there is nothing', async () => {
    const sent: HealthCounts[] = [];
    const h = new ClientHealth(async (c) => {
      sent.push({ ...c });
      return 204;
    });
    await h.flush();
    expect(sent).toEqual([]);
    h.pageLoaded();
    h.clientError();
    h.clientError();
    await h.flush();
    await h.flush();
    expect(sent).toEqual([{ page_loads: 1, client_errors: 2, ws_reconnects: 0 }]);
  });

  it('keeps a refused report for later and caps each count per report', async () => {
    const statuses = [429, 0, 204, 204];
    const sent: HealthCounts[] = [];
    const h = new ClientHealth(async (c) => {
      sent.push({ ...c });
      return statuses.shift() ?? 204;
    });
    for (let i = 0; i < MAX_PER_REPORT + 5; i++) h.clientError();
    await h.flush(); // 429: kept
    await h.flush(); // network error: kept
    expect(h.counts.client_errors).toBe(MAX_PER_REPORT + 5);
    await h.flush();
    expect(sent[2].client_errors).toBe(MAX_PER_REPORT);
    expect(h.counts.client_errors).toBe(5);
    await h.flush();
    expect(h.counts.client_errors).toBe(0);
  });

  it('drops a batch the server calls invalid', async () => {
    const h = new ClientHealth(async () => 400);
    h.pageLoaded();
    await h.flush();
    expect(h.counts.page_loads).toBe(0);
  });

  it('counts every socket after the first as a reconnect', () => {
    const h = new ClientHealth(async () => 204);
    const make = countingSocketFactory(h, (url) => ({ url }));
    expect(make('ws://x/ws')).toEqual({ url: 'ws://x/ws' });
    expect(h.counts.ws_reconnects).toBe(0);
    make('ws://x/ws');
    make('ws://x/ws');
    expect(h.counts.ws_reconnects).toBe(2);
  });

  it('passes the subprotocol list (the v1.1 token) through to the socket', () => {
    const h = new ClientHealth(async () => 204);
    const make = countingSocketFactory(h, (url, protocols) => ({ url, protocols }));
    expect(make('ws://x/ws', ['parley.v1', 'parley.bearer.t'])).toEqual({
      url: 'ws://x/ws',
      protocols: ['parley.v1', 'parley.bearer.t'],
    });
  });
});
