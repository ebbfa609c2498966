#!/usr/bin/env python3
"""Compares two results folders of `aelab run` (a committed one and a rerun), for behaviour checks.

    scripts/compare_results.py OLD_DIR NEW_DIR [--entries a,b,...]

Per solver entry: how many rows of summary.csv (matched on entry, parameters, part and metric) are
bit-identical, the largest absolute difference, and the largest difference in standard errors of the
old value; how many selected points (selection.json) are the same; and, when both folders have one,
the same for approximation_gap.csv (matched on rank and label). Standard library only.
"""
import argparse
import csv
import json
import math
import os
import sys
from collections import defaultdict

SUMMARY_VALUES = ("value", "se", "n_users")
GAP_VALUES = ("objective", "relative_gap", "fit_seconds", "status", "exact_converged")


def read_rows(path, key_columns):
    with open(path, newline="") as f:
        rows = {}
        for row in csv.DictReader(f):
            rows[tuple(row[c] for c in key_columns)] = row
        return rows


def summary_key_columns(path):
    with open(path, newline="") as f:
        header = next(csv.reader(f))
    return [c for c in header if c not in SUMMARY_VALUES]


def compare_summaries(old_dir, new_dir, entries):
    path_old, path_new = os.path.join(old_dir, "summary.csv"), os.path.join(new_dir, "summary.csv")
    keys = summary_key_columns(path_old)
    old, new = read_rows(path_old, keys), read_rows(path_new, keys)
    stats = defaultdict(lambda: {"rows": 0, "identical": 0, "missing": 0, "max_abs": 0.0, "max_se": 0.0})
    for key, row in old.items():
        entry = row["solver_id"]
        if entries and entry not in entries:
            continue
        s = stats[entry]
        s["rows"] += 1
        other = new.get(key)
        if other is None:
            s["missing"] += 1
            continue
        if other["value"] == row["value"]:
            s["identical"] += 1
            continue
        a, b = float(row["value"]), float(other["value"])
        s["max_abs"] = max(s["max_abs"], abs(a - b))
        se = float(row["se"]) if row["se"] else math.nan
        if se > 0:
            s["max_se"] = max(s["max_se"], abs(a - b) / se)
    print("summary.csv (entry: identical / rows, missing in the rerun, largest |difference|, in standard errors)")
    for entry in sorted(stats):
        s = stats[entry]
        print(f"  {entry}: {s['identical']} / {s['rows']}, missing {s['missing']}, "
              f"max |diff| {s['max_abs']:.3g}, {s['max_se']:.3g} SE")


def selected_points(results_dir):
    with open(os.path.join(results_dir, "selection.json")) as f:
        selection = json.load(f)
    points = {}
    for solver in selection["solvers"]:
        for group in solver["groups"]:
            chosen = group.get("selected")
            per = json.dumps(group.get("per", {}), sort_keys=True)
            points[(solver["solver_id"], per)] = (json.dumps(chosen["params"], sort_keys=True) if chosen else None,
                                           chosen["test"] if chosen else None)
    return points


def compare_selections(old_dir, new_dir, entries):
    old, new = selected_points(old_dir), selected_points(new_dir)
    same, differ = 0, []
    for key, (params, test) in sorted(old.items()):
        if entries and key[0] not in entries:
            continue
        other = new.get(key)
        if other and other[0] == params:
            same += 1
        else:
            differ.append((key, params, other[0] if other else None))
    print(f"selection.json: {same} of {same + len(differ)} selected points the same")
    for (entry, per), a, b in differ:
        print(f"  {entry} {per}: {a} -> {b}")


def compare_gaps(old_dir, new_dir):
    path_old, path_new = os.path.join(old_dir, "approximation_gap.csv"), os.path.join(new_dir, "approximation_gap.csv")
    if not (os.path.exists(path_old) and os.path.exists(path_new)):
        return
    old, new = read_rows(path_old, ["rank", "label"]), read_rows(path_new, ["rank", "label"])
    print("approximation_gap.csv (rank, label: objective old -> new, relative difference; metric columns)")
    for key in sorted(old, key=lambda k: (int(k[0]) if k[0].isdigit() else 10**9, k[1])):
        a, b = old[key], new.get(key)
        if b is None:
            print(f"  {key}: missing in the rerun")
            continue
        metrics = [c for c in a if c.endswith("_difference") or c in ("ndcg@100",)]
        oa, ob = float(a["objective"] or "nan"), float(b["objective"] or "nan")
        rel = abs(oa - ob) / abs(oa) if oa else math.nan
        moved = ", ".join(f"{c} {float(a[c]):.4f}->{float(b[c]):.4f}" for c in metrics
                          if a[c] and b[c] and a[c] != b[c])
        print(f"  rank {key[0]} {key[1]}: objective rel diff {rel:.2g}; {moved or 'metrics identical'}"
              f"{'' if a['status'] == b['status'] else '; status ' + a['status'] + ' -> ' + b['status']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old_dir")
    parser.add_argument("new_dir")
    parser.add_argument("--entries", default="", help="comma-separated solver entry ids (default: all)")
    args = parser.parse_args()
    entries = set(filter(None, args.entries.split(",")))
    compare_summaries(args.old_dir, args.new_dir, entries)
    compare_selections(args.old_dir, args.new_dir, entries)
    compare_gaps(args.old_dir, args.new_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
