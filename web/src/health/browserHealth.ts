// Starts the web app's health reporting in the browser: a page load now, errors and unhandled
// rejections as they happen, a report every REPORT_INTERVAL_MS, and a last one (sendBeacon) when
// the page is hidden.

import { ClientHealth, REPORT_INTERVAL_MS, type HealthCounts } from './clientHealth';

const PATH = '/api/client-health';

async function post(counts: HealthCounts): Promise<number> {
  try {
    const res = await fetch(PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(counts),
      keepalive: true,
    });
    return res.status;
  } catch {
    return 0;
  }
}

export function startClientHealth(): ClientHealth {
  const health = new ClientHealth(post);
  health.pageLoaded();
  window.addEventListener('error', () => health.clientError());
  window.addEventListener('unhandledrejection', () => health.clientError());
  setInterval(() => void health.flush(), REPORT_INTERVAL_MS);
  // The first report soon after the load, so that a page that is closed at once still counts.
  setTimeout(() => void health.flush(), 2_000);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void health.flush();
  });
  return health;
}
