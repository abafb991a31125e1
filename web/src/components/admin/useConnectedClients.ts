import { useCallback, useEffect, useRef, useState } from 'react';
import { ConnectionsPager, disconnectClient, listConnections, type ConnectionsPage, type ConnectionsSource } from '../../admin/connections';

const REFRESH_MS = 5000;

/** One page of connected clients, refreshed while shown, with paging and a disconnect action. */
export function useConnectedClients(source: ConnectionsSource) {
  const pager = useRef(new ConnectionsPager());
  const [page, setPage] = useState<ConnectionsPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pageNumber, setPageNumber] = useState(1);

  const load = useCallback(async () => {
    try {
      setPage(await listConnections(source, pager.current.after));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [source]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const next = () => {
    if (page && pager.current.next(page)) {
      setPageNumber(pager.current.pageNumber);
      void load();
    }
  };
  const previous = () => {
    if (pager.current.previous()) {
      setPageNumber(pager.current.pageNumber);
      void load();
    }
  };
  const disconnect = async (id: number) => {
    try {
      await disconnectClient(source, id);
    } catch (e) {
      setError(e);
    }
    await load();
  };
  return { page, error, pageNumber, hasPrevious: pageNumber > 1, next, previous, disconnect };
}
