import type { DashboardNumbers } from '../../admin/adminStats';
import { useI18n } from '../../i18n/i18nContext';
import { fmtNum } from './formatNumbers';

/** Every other number of the stats JSON, after the message totals. */
export function OtherCounters({ data }: { data: DashboardNumbers }) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-labelledby="other-title">
      <h2 id="other-title">{t.otherCounters}</h2>
      <table className="kv">
        <tbody>
          <tr>
            <th scope="row">messages_in / messages_out</th>
            <td>
              {fmtNum(data.messagesIn)} / {fmtNum(data.messagesOut)}
            </td>
          </tr>
          {Object.entries(data.other).map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>{fmtNum(v, 2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
