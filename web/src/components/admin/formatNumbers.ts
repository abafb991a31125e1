// How the dashboard writes its numbers: a dash for a number the server did not give.

export function fmtNum(v: number | undefined, digits = 0): string {
  return v === undefined ? '—' : v.toLocaleString(undefined, { maximumFractionDigits: digits });
}

export function fmtMs(v: number | undefined): string {
  return v === undefined ? '—' : `${fmtNum(v, v < 10 ? 2 : 0)} ms`;
}
