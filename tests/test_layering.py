"""The core and storage never import textual (DESIGN.md: the core does not know the UI)."""

import ast
import subprocess
import sys
from pathlib import Path

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
