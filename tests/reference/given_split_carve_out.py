#!/usr/bin/python3
"""The validation carve-out of a given split (core/data/validation_carve_out.hpp) in numpy, to pin
the C++ port in tests/test_given_split.cpp:

    /usr/bin/python3 tests/reference/given_split_carve_out.py TRAIN_TXT SHARE SEED MIN_ITEMS

Reads an NGCF train.txt and prints, per user with held-out items, "user: item item ..." (held-out
items ascending), then "held_out <count> kept <count>".
"""
import sys

import numpy as np


def main():
    path, share, seed, min_items = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rows = {}
    for line in open(path):
        fields = line.split()
        if fields:
            rows[int(fields[0])] = sorted(int(x) for x in fields[1:])
    n_users = max(rows) + 1
    rng = np.random.RandomState(seed)
    held_total = kept_total = 0
    for u in range(n_users):
        items = np.array(rows.get(u, []), dtype=np.int64)
        n = len(items)
        held = np.array([], dtype=np.int64)
        if n >= min_items and n > 0:
            held = items[rng.choice(n, int(share * n), replace=False)]
        if len(held):
            print("%d: %s" % (u, " ".join(str(x) for x in sorted(held.tolist()))))
        held_total += len(held)
        kept_total += n - len(held)
    print("held_out %d kept %d" % (held_total, kept_total))


if __name__ == "__main__":
    main()
