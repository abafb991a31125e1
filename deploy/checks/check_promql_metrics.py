#!/usr/bin/env python3
"""Validates the Grafana dashboard and the alert rules against what Parley really exports.

Usage: check_promql_metrics.py METRICS_TEXT DASHBOARD.json [RULES.yml ...]

METRICS_TEXT is a scrape of a running parley's /metrics. The dashboard must be well-formed
(unique panel ids, a grid position, the provisioned Prometheus datasource, at least one query per
panel) and every metric name in every query, in the dashboard and in the rules, must be one that
Parley exports (histograms with their _bucket/_sum/_count series) or Prometheus's own `up`.
Prints each problem; exits 1 when there is any.
"""

import json
import re
import sys

DATASOURCE_UID = "parley-prometheus"
PROMETHEUS_OWN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
# PromQL words that look like metric names.
KEYWORDS = {
    "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile",
    "count_values", "group", "by", "without", "on", "ignoring", "group_left", "group_right",
    "and", "or", "unless", "bool", "offset", "rate", "irate", "increase", "delta", "idelta",
    "histogram_quantile", "label_values", "label_replace", "abs", "clamp_min", "clamp_max",
    "time", "vector", "scalar", "absent", "changes", "resets", "deriv", "predict_linear",
    "avg_over_time", "max_over_time", "min_over_time", "sum_over_time", "count_over_time",
    "inf", "nan", "e",
}


def exported(metrics_text: str) -> set:
    names = set()
    for line in metrics_text.splitlines():
        m = re.match(r"# TYPE (\S+) (\S+)", line)
        if not m:
            continue
        name, kind = m.groups()
        names.add(name)
        if kind == "histogram":
            names.update({name + "_bucket", name + "_sum", name + "_count"})
    return names


def metric_names(expr: str) -> set:
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)          # label values and strings
    e = re.sub(r"\{[^}]*\}", "", e)                         # label matchers
    e = re.sub(r"\[[^\]]*\]", "", e)                        # ranges [5m], [$__rate_interval]
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", e)
    e = re.sub(r"\$\w+", "", e)                             # Grafana variables
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", e):
        word = m.group(0)
        rest = e[m.end():].lstrip()
        if word.lower() in KEYWORDS or rest.startswith("("):
            continue
        if re.fullmatch(r"\d+[smhdwy]", word):
            continue
        names.add(word)
    return names


def check_dashboard(path: str, known: set) -> list:
    problems = []
    with open(path) as f:
        dashboard = json.load(f)
    for key in ("uid", "title", "panels"):
        if key not in dashboard:
            problems.append(f"{path}: no '{key}'")
    ids = set()
    for panel in dashboard.get("panels", []):
        where = f"{path}: panel {panel.get('id')} '{panel.get('title')}'"
        if panel.get("id") in ids:
            problems.append(f"{where}: id used twice")
        ids.add(panel.get("id"))
        grid = panel.get("gridPos", {})
        if not all(isinstance(grid.get(k), int) for k in ("x", "y", "w", "h")):
            problems.append(f"{where}: gridPos needs integer x, y, w, h")
        if panel.get("datasource", {}).get("uid") != DATASOURCE_UID:
            problems.append(f"{where}: datasource is not {DATASOURCE_UID}")
        targets = panel.get("targets", [])
        if not targets:
            problems.append(f"{where}: no query")
        for t in targets:
            expr = t.get("expr", "")
            names = metric_names(expr)
            if not names:
                problems.append(f"{where}: query names no metric: {expr}")
            for name in sorted(names - known - PROMETHEUS_OWN):
                problems.append(f"{where}: '{name}' is not a metric Parley exports ({expr})")
    for var in dashboard.get("templating", {}).get("list", []):
        # label_values(METRIC, LABEL): only the first argument is a metric.
        definition = re.sub(r"label_values\(([^,)]+),[^)]*\)", r"\1", str(var.get("definition", "")))
        for name in sorted(metric_names(definition) - known - PROMETHEUS_OWN):
            problems.append(f"{path}: variable {var.get('name')}: '{name}' is not exported")
    return problems


def check_rules(path: str, known: set) -> list:
    # Alert rules: every `expr:` (one line or a `|` block), without a YAML library.
    problems = []
    lines = open(path).read().splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"(\s*)expr:\s*(.*)$", lines[i])
        i += 1
        if not m:
            continue
        indent, expr = len(m.group(1)), m.group(2)
        if expr.strip() == "|":
            block = []
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                block.append(lines[i])
                i += 1
            expr = " ".join(block)
        names = metric_names(expr)
        if not names:
            problems.append(f"{path}: expression names no metric: {expr}")
        for name in sorted(names - known - PROMETHEUS_OWN):
            problems.append(f"{path}: '{name}' is not a metric Parley exports ({expr.strip()})")
    return problems


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    known = exported(open(argv[1]).read())
    if not known:
        print(f"{argv[1]}: no metric families (is it a /metrics scrape?)")
        return 1
    problems = check_dashboard(argv[2], known)
    for rules in argv[3:]:
        problems += check_rules(rules, known)
    for p in problems:
        print(p)
    print(f"checked {argv[2]} and {len(argv) - 3} rule file(s) against {len(known)} exported series names: "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
