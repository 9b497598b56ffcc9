#!/usr/bin/env python3
"""Scores `policy-lsp topics` against the CA4P annotators' paragraph topics.

Reads the corpus from ../shared/corpus (or the folder given as the first
argument): `ca4p-dev/NNNN.policy` and `ca4p-dev-topics.jsonl`. Nothing of
the corpus is copied into the project.

The 121 documents are split by a fixed rule chosen before any tuning: sorted
by name, the even positions (0, 2, 4, ...) are the tuning half, the odd ones
the test half. For each half and each required topic it prints

- document level: precision and recall of "the document covers this topic"
  (some paragraph of it has the topic), and their F1; the macro F1 over the
  required topics;
- line level: "this line lies in a paragraph of this topic", counted over
  every line the annotators gave a topic, pooled into a micro F1 over the
  required topics.

With `--half tune` or `--half test` only that half is scored (tune on
the tuning half; look at the test half once, at the end). With `--errors`
(tuning half only) it also prints, per document, the required topics
predicted but not annotated (false) and annotated but not predicted
(missed), and the line-level confusion between the annotators' topic and
the predicted one (counts, over the required topics and `other`).

Usage: scripts/topics_eval.py [CORPUS] [--binary target/debug/policy-lsp]
           [--half tune|test] [--errors]
"""

import json
import subprocess
import sys
from pathlib import Path

REQUIRED = [
    "controller-contact",
    "collection-and-use",
    "third-party-sharing",
    "user-rights",
    "retention",
    "security",
    "minors",
    "policy-updates",
    "consent-withdrawal",
]


def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def ratio(a, b):
    return a / b if b else 0.0


def predictions(binary, files):
    out = subprocess.run(
        [binary, "topics", "--format", "json", *map(str, files)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        record = json.loads(line)
        lines = {}
        for span in record["topics"]:
            first, last = span["lines"]
            for n in range(first, last + 1):
                lines[n] = span["topic"]
        found[Path(record["path"]).stem] = lines
    return found


def score(gold, pred, docs):
    doc_counts = {t: [0, 0, 0] for t in REQUIRED}  # tp, fp, fn
    line_counts = {t: [0, 0, 0] for t in REQUIRED}
    for doc in docs:
        g_lines = {}
        for p in gold[doc]:
            for n in range(p["lines"][0], p["lines"][1] + 1):
                g_lines[n] = p["topic"]
        p_lines = pred.get(doc, {})
        g_topics = set(g_lines.values())
        p_topics = set(p_lines.values())
        for t in REQUIRED:
            c = doc_counts[t]
            if t in g_topics and t in p_topics:
                c[0] += 1
            elif t in p_topics:
                c[1] += 1
            elif t in g_topics:
                c[2] += 1
        for n, g in g_lines.items():
            p = p_lines.get(n, "other")
            for t in REQUIRED:
                c = line_counts[t]
                if g == t and p == t:
                    c[0] += 1
                elif p == t:
                    c[1] += 1
                elif g == t:
                    c[2] += 1
    return doc_counts, line_counts


def report(name, doc_counts, line_counts):
    print(f"## {name}")
    print(f"{'topic':22} {'doc P':>6} {'doc R':>6} {'doc F1':>6} {'line P':>6} {'line R':>6} {'line F1':>7}")
    f1s = []
    for t in REQUIRED:
        tp, fp, fn = doc_counts[t]
        p, r = ratio(tp, tp + fp), ratio(tp, tp + fn)
        f1s.append(f1(p, r))
        ltp, lfp, lfn = line_counts[t]
        lp, lr = ratio(ltp, ltp + lfp), ratio(ltp, ltp + lfn)
        print(f"{t:22} {p:6.3f} {r:6.3f} {f1(p, r):6.3f} {lp:6.3f} {lr:6.3f} {f1(lp, lr):7.3f}")
    tp = sum(c[0] for c in line_counts.values())
    fp = sum(c[1] for c in line_counts.values())
    fn = sum(c[2] for c in line_counts.values())
    micro = f1(ratio(tp, tp + fp), ratio(tp, tp + fn))
    print(f"document macro F1: {sum(f1s) / len(f1s):.3f}   line micro F1: {micro:.3f}")
    print()


def errors(gold, pred, docs):
    """Per-document false and missed topics, and the line confusion."""
    print("## document-level errors (false: predicted, not annotated; missed: annotated, not predicted)")
    confusion = {}
    for doc in docs:
        g_lines = {}
        for p in gold[doc]:
            for n in range(p["lines"][0], p["lines"][1] + 1):
                g_lines[n] = p["topic"]
        p_lines = pred.get(doc, {})
        g_topics = set(g_lines.values()) & set(REQUIRED)
        p_topics = set(p_lines.values()) & set(REQUIRED)
        false, missed = sorted(p_topics - g_topics), sorted(g_topics - p_topics)
        if false or missed:
            print(f"{doc}  false: {', '.join(false) or '-'}  missed: {', '.join(missed) or '-'}")
        for n, g in g_lines.items():
            p = p_lines.get(n, "other")
            key = (g if g in REQUIRED else "other", p if p in REQUIRED else "other")
            confusion[key] = confusion.get(key, 0) + 1
    print()
    print("## line confusion (annotated -> predicted: lines), errors only, most first")
    for (g, p), n in sorted(confusion.items(), key=lambda kv: -kv[1]):
        if g != p:
            print(f"{g:22} -> {p:22} {n}")
    print()


def main():
    args = sys.argv[1:]
    binary = "target/debug/policy-lsp"
    if "--binary" in args:
        i = args.index("--binary")
        binary = args[i + 1]
        del args[i : i + 2]
    half = "both"
    if "--half" in args:
        i = args.index("--half")
        half = args[i + 1]
        del args[i : i + 2]
        if half not in ("tune", "test"):
            sys.exit("--half takes tune or test")
    show_errors = "--errors" in args
    if show_errors:
        args.remove("--errors")
        if half != "tune":
            sys.exit("--errors is for the tuning half only: add --half tune")
    corpus = Path(args[0] if args else "../shared/corpus")
    gold = {}
    with open(corpus / "ca4p-dev-topics.jsonl", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            gold[record["doc"]] = record["paragraphs"]
    docs = sorted(gold)
    tuning, test = docs[0::2], docs[1::2]
    scored = {"tune": tuning, "test": test, "both": docs}[half]
    pred = predictions(binary, [corpus / "ca4p-dev" / f"{d}.policy" for d in scored])
    if half in ("tune", "both"):
        report(f"tuning half ({len(tuning)} documents: even positions)", *score(gold, pred, tuning))
    if show_errors:
        errors(gold, pred, tuning)
    if half in ("test", "both"):
        report(f"test half ({len(test)} documents: odd positions)", *score(gold, pred, test))


if __name__ == "__main__":
    main()
