import { describe, expect, it } from 'vitest';
import { ConnectionsPager, disconnectClient, formatBytes, listConnections, type ConnectionsPage, type ConnectionsSource } from './connections';

function page(ids: number[], next: number | null): ConnectionsPage {
  return {
    connections: ids.map((id) => ({ id, user: { id, username: `u${id}` }, address: '127.0.0.1', since: '', rooms: [], outbound_bytes: 0 })),
    total: 10,
    next_after: next,
  };
}

describe('connections', () => {
  it('asks for a page after a cursor and disconnects by id', async () => {
    const calls: string[] = [];
    const source: ConnectionsSource = {
      request: async <T,>(method: string, path: string) => {
        calls.push(`${method} ${path}`);
        return page([1], null) as T;
      },
    };
    await listConnections(source, 7, 5);
    await disconnectClient(source, 42);
    expect(calls).toEqual(['GET /api/admin/connections?after=7&limit=5', 'POST /api/admin/connections/42/disconnect']);
  });

  it('pages forward and back to the same cursors', () => {
    const pager = new ConnectionsPager();
    expect(pager.after).toBe(0);
    expect(pager.hasPrevious).toBe(false);
    expect(pager.next(page([1, 2], 2))).toBe(true);
    expect(pager.after).toBe(2);
    expect(pager.pageNumber).toBe(2);
    expect(pager.next(page([5], null))).toBe(false);
    expect(pager.after).toBe(2);
    expect(pager.previous()).toBe(true);
    expect(pager.after).toBe(0);
    expect(pager.previous()).toBe(false);
  });

  it('formats bytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });
});
