"""python -m eventdesk.demo OUT.jsonl[.gz] [--posts N] [--seed S] [--config FILE]"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from eventdesk.config import load_config
from eventdesk.demo.generator import write_replay
from eventdesk.errors import UserError
from eventdesk.paths import bundled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eventdesk.demo",
        description="Write a generated 24-hour demo event as X filtered-stream JSON lines.",
    )
    parser.add_argument("out", type=Path, help="the replay file to write (.gz to compress)")
    parser.add_argument("--posts", type=int, default=30_000, help="about how many posts")
    parser.add_argument("--seed", type=int, default=24, help="the same seed gives the same file")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="the event's TOML config (default: the bundled demo event)",
    )
    args = parser.parse_args(argv)
    if args.posts < 0:
        parser.error("--posts must not be negative")
    try:
        config = load_config(args.config or bundled("demo_event.toml"))
        started = time.perf_counter()
        lines = write_replay(args.out, config, seed=args.seed, posts=args.posts)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {lines} lines to {args.out} in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
