#!/usr/bin/env python3
"""Re-proves the committed parity goldens against the real torchvision.

Runs tools/make_parity_goldens.py into a temporary folder and compares every fresh file with the committed one in
tests/Goldens/parity/: the formula and config must be the same, the weight and input fingerprints identical (so torch
used exactly the tensors the C# tests rebuild), every config's logits within 1e-6 relative (||fresh - committed|| /
||committed||) and the same top-1 for every image. Prints one line per config; exits 1 on any difference.

  /usr/bin/python3 tools/check_parity_goldens.py [--goldens DIR] [--keep]
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

TOLERANCE = 1e-6
SUM_TOLERANCE = 1e-9  # float64 sums: summation order may differ between numpy builds


def relative_error(fresh, committed):
    diff = sum((a - b) ** 2 for ra, rb in zip(fresh, committed) for a, b in zip(ra, rb))
    norm = sum(b * b for rb in committed for b in rb)
    return math.sqrt(diff / norm) if norm > 0 else math.sqrt(diff)


def compare_fingerprint(label, fresh, committed, problems):
    for key in ("entries", "elements", "checksum", "first_values_bits"):
        if fresh.get(key) != committed.get(key):
            problems.append(f"{label} {key} differs: fresh {fresh.get(key)!r}, committed {committed.get(key)!r}")
    for key in ("sum", "abs_sum"):
        a, b = fresh.get(key), committed.get(key)
        if a is None or b is None or abs(a - b) > SUM_TOLERANCE * max(1.0, abs(b)):
            problems.append(f"{label} {key} differs: fresh {a!r}, committed {b!r}")


def compare(fresh, committed):
    """Returns (relative error or None, list of problems)."""
    problems = []
    for key in ("config", "torchvision", "spec", "formula", "residual_last_bn"):
        if fresh.get(key) != committed.get(key):
            problems.append(f"'{key}' differs: fresh {json.dumps(fresh.get(key))}, committed {json.dumps(committed.get(key))}")
    compare_fingerprint("weight fingerprint", fresh["fingerprint"], committed["fingerprint"], problems)
    compare_fingerprint("input fingerprint", fresh["input_fingerprint"], committed["input_fingerprint"], problems)
    a, b = fresh["logits"], committed["logits"]
    if [len(r) for r in a] != [len(r) for r in b]:
        problems.append(f"logits shape differs: fresh {[len(r) for r in a]}, committed {[len(r) for r in b]}")
        return None, problems
    error = relative_error(a, b)
    if not error <= TOLERANCE:
        problems.append(f"logits differ: relative error {error:.3e} > {TOLERANCE:.0e}")
    if fresh["top1"] != committed["top1"]:
        problems.append(f"top-1 differs: fresh {fresh['top1']}, committed {committed['top1']}")
    return error, problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--goldens", default=os.path.normpath(os.path.join(here, "..", "tests", "Goldens", "parity")))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder with the fresh outputs")
    args = parser.parse_args()
    goldens = os.path.abspath(args.goldens)

    fresh_dir = tempfile.mkdtemp(prefix="parity-goldens-")
    try:
        make = [sys.executable, os.path.join(here, "make_parity_goldens.py"), "--out", fresh_dir]
        result = subprocess.run(make, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            print(result.stdout, end="")
            print(f"FAIL: make_parity_goldens.py exited with {result.returncode}")
            return 1

        listed = subprocess.run(make[:2] + ["--list"], stdout=subprocess.PIPE, text=True, check=True).stdout.split()
        fresh_names = [n for n in listed if os.path.exists(os.path.join(fresh_dir, n + ".json"))]
        committed_names = sorted(f[:-5] for f in os.listdir(goldens) if f.endswith(".json")) if os.path.isdir(goldens) else []
        failures = 0
        for name in fresh_names:
            if name not in committed_names:
                print(f"FAIL {name:26s} no committed golden {os.path.join(goldens, name + '.json')}")
                failures += 1
                continue
            with open(os.path.join(fresh_dir, name + ".json")) as f:
                fresh = json.load(f)
            with open(os.path.join(goldens, name + ".json")) as f:
                committed = json.load(f)
            error, problems = compare(fresh, committed)
            shown = "n/a" if error is None else f"{error:.2e}"
            status = "ok  " if not problems else "FAIL"
            print(f"{status} {name:26s} relative error {shown}  top-1 {fresh['top1']} (committed {committed['top1']})")
            for problem in problems:
                print(f"       {problem}")
            failures += bool(problems)
        for name in committed_names:
            if name not in fresh_names:
                print(f"FAIL {name:26s} committed golden is no longer produced by make_parity_goldens.py")
                failures += 1

        if failures:
            print(f"FAIL: {failures} of {len(set(fresh_names) | set(committed_names))} parity goldens differ from torchvision's fresh outputs "
                  f"(regenerate with /usr/bin/python3 tools/make_parity_goldens.py if the change is intended)")
            return 1
        print(f"ok: all {len(fresh_names)} parity goldens reproduced by torchvision (relative error <= {TOLERANCE:.0e}, same top-1, same weights)")
        return 0
    finally:
        if args.keep:
            print(f"fresh outputs kept in {fresh_dir}")
        else:
            shutil.rmtree(fresh_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
