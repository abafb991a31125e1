import type { ConnectionsSource } from '../../admin/connections';
import { formatBytes } from '../../admin/connections';
import { useI18n } from '../../i18n/i18nContext';
import { connectedClientsText } from './connectedClientsText';
import { useConnectedClients } from './useConnectedClients';

/** This instance's connected clients with a disconnect button, a page at a time. */
export function ConnectedClients({ source }: { source: ConnectionsSource }) {
  const { lang } = useI18n();
  const w = connectedClientsText(lang);
  const { page, error, pageNumber, hasPrevious, next, previous, disconnect } = useConnectedClients(source);
  const rows = page?.connections ?? [];
  return (
    <section className="panel" aria-labelledby="clients-title" data-testid="connected-clients">
      <h2 id="clients-title">{w.title}</h2>
      {error !== null && (
        <p className="form-error" role="alert">
          {String((error as Error).message ?? error)}
        </p>
      )}
      {page && <p className="muted small">{w.total.replace('{n}', String(page.total))}</p>}
      {!rows.length ? (
        <p className="muted">{w.none}</p>
      ) : (
        <table className="clients">
          <thead>
            <tr>
              <th>{w.user}</th>
              <th>{w.address}</th>
              <th>{w.since}</th>
              <th>{w.rooms}</th>
              <th>{w.outbound}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} data-testid="client-row">
                <td>{c.user.username}</td>
                <td>
                  <code>{c.address}</code>
                </td>
                <td>
                  <time dateTime={c.since}>{new Date(c.since).toLocaleString(lang)}</time>
                </td>
                <td>{c.rooms.join(', ')}</td>
                <td>{formatBytes(c.outbound_bytes)}</td>
                <td>
                  <button type="button" className="ghost" onClick={() => void disconnect(c.id)}>
                    {w.disconnect}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label={w.title}>
        <button type="button" className="ghost" disabled={!hasPrevious} onClick={previous}>
          {w.previous}
        </button>
        <span className="muted small">{w.page.replace('{n}', String(pageNumber))}</span>
        <button type="button" className="ghost" disabled={page?.next_after == null} onClick={next}>
          {w.next}
        </button>
      </nav>
    </section>
  );
}
