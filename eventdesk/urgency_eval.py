"""Measure the urgency detector on a labelled set: recall on urgent posts, false alarms
on the rest, and what it missed or wrongly raised.

    python -m eventdesk.urgency_eval [--split holdout|dev|all] [--file PATH] [--bench]

The set is a TSV file with a header and the columns `label` (urgent / not), `split`
(dev / holdout) and `text`; the default is tests/data/urgency_eval.tsv in a checkout.
Rules are tuned on `dev` only; `holdout` measures how well they carry over.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from eventdesk.config import UrgencyConfig
from eventdesk.urgency import UrgencyDetector

DEFAULT_FILE = Path(__file__).resolve().parents[1] / "tests" / "data" / "urgency_eval.tsv"
LABELS = ("urgent", "not")
SPLITS = ("dev", "holdout")


class Row(NamedTuple):
    label: str  # "urgent" or "not"
    split: str  # "dev" or "holdout"
    text: str


def load_rows(path: Path | str = DEFAULT_FILE, split: str = "all") -> list[Row]:
    """The rows of a labelled TSV file, of one split or all. Raises ValueError on a
    malformed line, naming the file and line."""
    path = Path(path)
    rows: list[Row] = []
    with path.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        if header != ["label", "split", "text"]:
            raise ValueError(f"{path}:1: expected the header 'label<TAB>split<TAB>text'")
        for number, line in enumerate(handle, start=2):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            parts = line.split("\t", 2)
            if len(parts) != 3 or parts[0] not in LABELS or parts[1] not in SPLITS:
                raise ValueError(f"{path}:{number}: expected urgent|not, dev|holdout, text")
            row = Row(*parts)
            if split in ("all", row.split):
                rows.append(row)
    return rows


def evaluate(detector: UrgencyDetector, rows: Iterable[Row | Sequence[str]]) -> dict[str, Any]:
    """Recall on the urgent rows, false-alarm rate on the others, the counts, and the
    misses (urgent rows not flagged) and false alarms (other rows flagged, with why)."""
    urgent = hits = calm = 0
    misses: list[str] = []
    false_alarms: list[dict[str, str]] = []
    for label, _split, text in rows:
        result = detector.check(text)
        if label == "urgent":
            urgent += 1
            if result is None:
                misses.append(text)
            else:
                hits += 1
        else:
            calm += 1
            if result is not None:
                false_alarms.append(
                    {"text": text, "category": result.category, "reason": result.reason}
                )
    return {
        "urgent": urgent,
        "not_urgent": calm,
        "hits": hits,
        "recall": hits / urgent if urgent else 1.0,
        "false_alarms": len(false_alarms),
        "false_alarm_rate": len(false_alarms) / calm if calm else 0.0,
        "misses": misses,
        "false_alarm_posts": false_alarms,
    }


def throughput(detector: UrgencyDetector, texts: Sequence[str], rounds: int = 5) -> float:
    """Posts per second on one core: the best of `rounds` passes over `texts`."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            detector.check(text)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best if best > 0 else float("inf")


def report(result: dict[str, Any], split: str) -> str:
    lines = [
        f"split: {split}",
        f"recall: {result['recall']:.3f} "
        f"({result['hits']}/{result['urgent']} urgent posts flagged)",
        f"false-alarm rate: {result['false_alarm_rate']:.3f} "
        f"({result['false_alarms']}/{result['not_urgent']} other posts flagged)",
    ]
    if result["misses"]:
        lines.append(f"\nmissed ({len(result['misses'])}):")
        lines.extend(f"  - {text}" for text in result["misses"])
    if result["false_alarm_posts"]:
        lines.append(f"\nfalse alarms ({len(result['false_alarm_posts'])}):")
        lines.extend(
            f"  - {alarm['text']}\n      -> {alarm['category']}: {alarm['reason']}"
            for alarm in result["false_alarm_posts"]
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eventdesk.urgency_eval",
        description="Recall and false alarms of the default urgency rules on a labelled set.",
    )
    parser.add_argument("--split", choices=("holdout", "dev", "all"), default="holdout")
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="labelled TSV file")
    parser.add_argument("--bench", action="store_true", help="also measure posts per second")
    args = parser.parse_args(argv)
    try:
        rows = load_rows(args.file, args.split)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    detector = UrgencyDetector.from_config(UrgencyConfig())
    print(report(evaluate(detector, rows), args.split))
    if args.bench:
        texts = [row.text for row in rows]
        print(f"\nthroughput: {throughput(detector, texts):,.0f} posts/s on one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
