import { useI18n } from '../../i18n/i18nContext';
import { fmtNum } from './formatNumbers';

/** Error counts by contract code, the most frequent first. */
export function ErrorsByCode({ errors }: { errors: Record<string, number> }) {
  const { t } = useI18n();
  const codes = Object.entries(errors)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return (
    <section className="panel" aria-labelledby="err-title">
      <h2 id="err-title">{t.errorsByCode}</h2>
      {codes.length === 0 ? (
        <p className="muted">{t.noErrors}</p>
      ) : (
        <table className="kv">
          <tbody>
            {codes.map(([code, n]) => (
              <tr key={code}>
                <th scope="row">{code}</th>
                <td>{fmtNum(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
