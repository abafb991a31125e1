/** One headline number of the dashboard. */
export function StatCard({ label, value, testid }: { label: string; value: string; testid?: string }) {
  return (
    <div className="card" data-testid={testid}>
      <div className="card-label">{label}</div>
      <div className="card-value">{value}</div>
    </div>
  );
}
