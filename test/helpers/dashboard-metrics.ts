import { ROWS } from '../../scripts/grafana-dashboard';

/** The metric names the Grafana dashboard's queries read (histogram series suffixes stripped). */
export function dashboardMetricNames(): string[] {
  const names = new Set<string>();
  for (const row of ROWS)
    for (const p of row.panels)
      for (const t of p.targets)
        for (const m of t.expr.matchAll(/\b((?:sync|vendor|api|process|nodejs|temporal)_[a-z0-9_]+)\b/g))
          names.add(m[1].replace(/_(bucket|count|sum)$/, ''));
  return [...names].sort();
}
