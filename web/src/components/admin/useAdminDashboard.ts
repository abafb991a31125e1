import { useEffect, useState, useSyncExternalStore } from 'react';
import { DashboardPoller, type AdminSource, type DashboardState } from '../../admin/dashboardPoller';

/** The dashboard's numbers, polled while the page is shown and `enabled` (the user is an admin). */
export function useAdminDashboard(source: AdminSource, enabled: boolean): DashboardState {
  const [poller] = useState(() => new DashboardPoller(source));
  useEffect(() => {
    if (!enabled) return;
    poller.start();
    return () => poller.stop();
  }, [poller, enabled]);
  return useSyncExternalStore(poller.subscribe, poller.getState);
}
