#!/usr/bin/env python3
"""Draws a reproducible random sample of lint findings for judging by hand.

Runs `policy-lsp check --lint pipl --format json` on the given paths, keeps
the `diagnostic` records of the requested codes, and for each code draws
`--per-code` findings (all of them when there are fewer) with Python's
`random.Random(f"{seed}:{code}").sample`, from the code's findings sorted by
(file name, line, column). The seed is fixed (default 20261204), so the same
binary on the same corpus gives the same sample; each code has a stream of
its own, so adding or removing a code does not change another code's draw.

For each sampled finding it prints its number, the file's base name, line,
column and code, the previous non-blank line (a lead-in such as
`……，我们会收集：` that the line may continue) and the whole flagged line
(a paragraph of the policy) with the flagged annotation between ⟦ and ⟧.
With `--format tsv` it prints one finding per line instead (number, file,
line, column, code, marked line), for pasting into a verdict table.

With `--sample-from OLD_BINARY` the sample is drawn from OLD_BINARY's
findings instead (the sample judged with an earlier version, seed and
draw unchanged), and each sampled finding is marked `kept` or `gone`
according to whether `--binary` still reports it (same file, line, column
and code): what a rule change removed from a judged sample. The counts of
both binaries are printed per code.

With `--half tune` or `--half test` only the findings of one half of a
corpus folder are kept: its `*.policy` files sorted by name and numbered
from 0, even numbers the tuning half, odd numbers the test half (the split
of docs/taxonomy-sample.md and scripts/topics_eval.py). Rules are tuned on
the tuning half; precision is reported on the test half.

Nothing of the corpus is written anywhere: the output goes to stdout.

Usage:
  scripts/lint_sample.py CORPUS [--binary target/release/policy-lsp]
      [--codes purpose-missing,recipient-missing,...] [--per-code 50]
      [--seed 20261204] [--format text|tsv] [--sample-from OLD_BINARY]
      [--half tune|test]

Python standard library only.
"""

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

PRACTICE_CODES = [
    "sensitive-without-consent",
    "purpose-missing",
    "recipient-missing",
    "minor-without-guardian",
]


def half_of(paths, half):
    """The `*.policy` files of one half of the corpus folders in `paths`
    (files given by name are kept as they are)."""
    out = []
    for p in paths:
        if not os.path.isdir(p):
            out.append(p)
            continue
        names = sorted(n for n in os.listdir(p) if n.endswith(".policy"))
        keep = 0 if half == "tune" else 1
        out.extend(os.path.join(p, n) for i, n in enumerate(names) if i % 2 == keep)
    return out


def findings(binary, paths):
    """The diagnostic records of `check --lint pipl --format json`."""
    run = subprocess.run(
        [binary, "check", "--lint", "pipl", "--format", "json", *paths],
        capture_output=True,
        text=True,
    )
    # Exit status 1 means "some file has a markup error", which the corpus
    # has; anything else is a failure of the run.
    if run.returncode not in (0, 1):
        sys.exit(f"{binary} failed ({run.returncode}): {run.stderr.strip()}")
    out = []
    for line in run.stdout.splitlines():
        record = json.loads(line)
        if record.get("type") == "diagnostic":
            out.append(record)
    return out


_lines = {}


def lines_of(path):
    if path not in _lines:
        text = Path(path).read_text(encoding="utf-8")
        _lines[path] = [l.rstrip("\r") for l in text.split("\n")]
    return _lines[path]


def marked(record):
    """The flagged line with ⟦ ⟧ around the finding (columns are 1-based
    characters, the end exclusive, as `check --format json` gives them)."""
    text = lines_of(record["path"])[record["line"] - 1]
    start = record["column"] - 1
    end = record["end_column"] - 1 if record["end_line"] == record["line"] else len(text)
    return text[:start] + "⟦" + text[start:end] + "⟧" + text[end:]


def lead_in(record):
    """The nearest non-blank line before the flagged one, or ''."""
    lines = lines_of(record["path"])
    for i in range(record["line"] - 2, -1, -1):
        if lines[i].strip():
            return lines[i].strip()
    return ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", help="corpus folder(s) or files")
    ap.add_argument("--binary", default="target/release/policy-lsp")
    ap.add_argument("--codes", default=",".join(PRACTICE_CODES))
    ap.add_argument("--per-code", type=int, default=50)
    ap.add_argument("--seed", type=int, default=20261204)
    ap.add_argument("--format", choices=["text", "tsv"], default="text")
    ap.add_argument("--sample-from", metavar="OLD_BINARY")
    ap.add_argument("--half", choices=["tune", "test"])
    args = ap.parse_args()
    if args.half:
        args.paths = half_of(args.paths, args.half)

    records = findings(args.binary, args.paths)
    current = {(os.path.basename(r["path"]), r["line"], r["column"], r["code"]) for r in records}
    drawn_from = records
    if args.sample_from:
        drawn_from = findings(args.sample_from, args.paths)
    codes = [c for c in args.codes.split(",") if c]
    for code in codes:
        if args.sample_from:
            now = sum(1 for r in records if r["code"] == code)
            print(f"# {code}: {now} findings now")
        pool = sorted(
            (r for r in drawn_from if r["code"] == code),
            key=lambda r: (os.path.basename(r["path"]), r["line"], r["column"]),
        )
        k = min(args.per_code, len(pool))
        rng = random.Random(f"{args.seed}:{code}")
        # Sampled by index, then listed in corpus order for reading.
        picked = sorted(rng.sample(range(len(pool)), k))
        if args.format == "text":
            print(f"## {code}: {len(pool)} findings, {k} sampled (seed {args.seed})\n")
        for n, i in enumerate(picked, 1):
            r = pool[i]
            name = os.path.basename(r["path"])
            state = []
            if args.sample_from:
                state = ["kept" if (name, r["line"], r["column"], code) in current else "gone"]
            if args.format == "tsv":
                print("\t".join([str(n), name, str(r["line"]), str(r["column"]), code, *state, marked(r)]))
                continue
            print(f"[{code} #{n}] {name}:{r['line']}:{r['column']}{''.join(' ' + s for s in state)}")
            before = lead_in(r)
            if before:
                print(f"  before: {before}")
            print(f"  line:   {marked(r)}")
            print()


if __name__ == "__main__":
    main()
