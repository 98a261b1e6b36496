"""The core and storage never import textual (DESIGN.md: the core does not know the UI)."""

import ast
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage.schema import MIGRATIONS

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in tree.body if top_level_only else ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_and_storage_sources_do_not_import_textual() -> None:
    files = [
        path for package in ("eventdesk", "storage") for path in (ROOT / package).rglob("*.py")
    ]
    assert len(files) > 10
    # textual nowhere; the UI packages never at module level (the CLI, the composition
    # root, imports tui.app inside the commands that open the dashboard).
    offenders = [
        str(path.relative_to(ROOT))
        for path in files
        if "textual" in _imports(path) or {"tui", "widgets"} & _imports(path, top_level_only=True)
    ]
    assert offenders == []


def test_importing_every_core_module_loads_no_textual() -> None:
    script = (
        "import importlib, pkgutil, sys\n"
        "import eventdesk, storage\n"
        "for pkg in (eventdesk, storage):\n"
        "    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if not info.name.endswith('__main__'):\n"
        "            importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui', 'widgets'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


# What a scoring process must never import: each would add to the time before its first
# batch (pydantic and the config model alone took about 0.3 s), and none is needed there.
HEAVY = ("pydantic", "aiosqlite", "asyncio", "textual", "tweepy", "eventdesk.config", "storage.db")


def test_a_scoring_process_imports_no_config_database_or_ui(config, tmp_path: Path) -> None:
    import pickle

    from eventdesk.scoring import ScoringSpec
    from eventdesk.sources.base import SourceChunk
    from tests.conftest import tweet_line

    # What a scoring process is sent: its spec, then chunks of lines.
    lines = [tweet_line("a man with a knife outside #KP24", hashtags=("KP24",)), "{not json"]
    data = "".join(line + "\n" for line in lines).encode()
    sent = pickle.dumps((ScoringSpec.of(config), SourceChunk(1, 2, data, None)))
    # ... and a database to store them in, made as the desk's process makes it.
    made = sqlite3.connect(tmp_path / "scoring.db", isolation_level=None)
    made.execute("PRAGMA journal_mode = WAL")
    for migration in MIGRATIONS:
        made.executescript(migration)
    made.close()
    script = (
        "import os, pickle, sys\n"
        "from eventdesk import scoring\n"
        "spec, chunk = pickle.loads(sys.stdin.buffer.read())\n"
        f"store = scoring.StoreSpec({str(tmp_path / 'scoring.db')!r}, 'k', "
        "scoring.Turns.make(), os.getppid())\n"
        "scoring.init_worker(spec, store)\n"
        "out = scoring.store_in_worker(chunk, 0, None)\n"
        "assert (out.inserted, out.rejected) == (1, 1), out\n"
        f"print(sorted(name for name in {HEAVY!r} if name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, input=sent, capture_output=True
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip() == "[]"


def test_scoring_processes_do_not_run_the_parents_main(tmp_path: Path) -> None:
    # A spawned child runs the parent's main script again unless told not to; this one
    # imports the config model at its top, as the eventdesk command and the benchmarks do.
    main = tmp_path / "main.py"
    main.write_text(
        "import sys\n"
        "from eventdesk.config import load_config\n"
        "from eventdesk.paths import bundled\n"
        "from eventdesk.scoring import ScoringSpec, scoring_pool\n"
        "if __name__ == '__main__':\n"
        "    spec = ScoringSpec.of(load_config(bundled('demo_event.toml')))\n"
        "    with scoring_pool(1, spec) as pool:\n"
        "        loaded = pool.submit(eval, 'list(__import__(\"sys\").modules)').result()\n"
        f"    print(sorted(name for name in {HEAVY!r} if name in loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, str(main)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("name", ["benchmarks.ingest", "benchmarks.dashboard"])
def test_the_benchmarks_still_import(name: str) -> None:
    # `make bench` is not run by the tests: at least what the benchmarks import from
    # the desk must still be there.
    import importlib

    assert callable(importlib.import_module(name).main)
