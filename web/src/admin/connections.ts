// The admin page's connected clients: GET /api/admin/connections (paged by id) and
// POST /api/admin/connections/{id}/disconnect (docs/api-extensions.md).

export interface ConnectedClient {
  id: number;
  user: { id: number; username: string };
  address: string;
  since: string;
  rooms: number[];
  outbound_bytes: number;
}

export interface ConnectionsPage {
  connections: ConnectedClient[];
  total: number;
  /** Pass as `after` for the next page; null on the last one. */
  next_after: number | null;
}

/** The REST client's authenticated request (Api.request). */
export interface ConnectionsSource {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export const PAGE_SIZE = 20;

export function listConnections(source: ConnectionsSource, after: number, limit = PAGE_SIZE): Promise<ConnectionsPage> {
  return source.request<ConnectionsPage>('GET', `/api/admin/connections?after=${after}&limit=${limit}`);
}

export function disconnectClient(source: ConnectionsSource, id: number): Promise<void> {
  return source.request<void>('POST', `/api/admin/connections/${id}/disconnect`);
}

/**
 * Paging by cursor: the `after` of each page shown so far, so that "previous" goes back to the
 * exact page it came from even while clients come and go.
 */
export class ConnectionsPager {
  private readonly starts: number[] = [0];

  get after(): number {
    return this.starts[this.starts.length - 1];
  }
  get pageNumber(): number {
    return this.starts.length;
  }
  get hasPrevious(): boolean {
    return this.starts.length > 1;
  }
  next(page: ConnectionsPage): boolean {
    if (page.next_after === null) return false;
    this.starts.push(page.next_after);
    return true;
  }
  previous(): boolean {
    if (this.starts.length === 1) return false;
    this.starts.pop();
    return true;
  }
}

/** Bytes for people: 0 B, 512 B, 1.5 KiB, 3.2 MiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}
