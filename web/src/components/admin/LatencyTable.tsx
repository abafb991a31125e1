import type { DashboardNumbers } from '../../admin/adminStats';
import { useI18n } from '../../i18n/i18nContext';
import { fmtMs } from './formatNumbers';

/** The store and delivery latencies, p50 and p99. */
export function LatencyTable({ data }: { data: DashboardNumbers | null }) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-labelledby="lat-title">
      <h2 id="lat-title">
        {t.storeLatency} / {t.deliveryLatency}
      </h2>
      <table className="kv">
        <thead>
          <tr>
            <th scope="col"></th>
            <th scope="col">p50</th>
            <th scope="col">p99</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">{t.storeLatency}</th>
            <td>{fmtMs(data?.storeP50Ms)}</td>
            <td>{fmtMs(data?.storeP99Ms)}</td>
          </tr>
          <tr>
            <th scope="row">{t.deliveryLatency}</th>
            <td>{fmtMs(data?.deliveryP50Ms)}</td>
            <td>{fmtMs(data?.deliveryP99Ms)}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
