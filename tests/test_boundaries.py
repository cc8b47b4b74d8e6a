"""The core does no I/O and imports no UI or spreadsheet library (fava/beancount style)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CORE = ROOT / "finance" / "core"
FORBIDDEN_MODULES = {"streamlit", "openpyxl", "altair", "rich", "typer", "click", "pandas",
                     "os", "pathlib", "shutil", "tempfile", "io", "csv", "subprocess"}
FORBIDDEN_CALLS = {"open", "print", "input", "exec", "eval"}


def _core_files() -> list[Path]:
    return sorted(CORE.glob("*.py"))


def test_core_modules_import_no_io_ui_or_spreadsheet_library():
    for f in _core_files():
        tree = ast.parse(f.read_text(), str(f))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                assert n.split(".")[0] not in FORBIDDEN_MODULES, f"{f.name} imports {n}"


def test_core_modules_call_no_file_or_console_functions():
    for f in _core_files():
        tree = ast.parse(f.read_text(), str(f))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in FORBIDDEN_CALLS, (
                    f"{f.name}:{node.lineno} calls {node.func.id}()")


def test_importing_the_core_loads_no_streamlit_or_openpyxl():
    code = ("import sys, finance.core.run, finance.core.jsonout, finance.core.parse; "
            "bad = [m for m in ('streamlit', 'openpyxl', 'pandas') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=ROOT, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr


def test_help_imports_no_heavy_library():
    code = ("import sys; sys.argv = ['mkip', '--help']\n"
            "try:\n    import finance.cli as c; c.app()\nexcept SystemExit: pass\n"
            "bad = [m for m in ('pandas', 'openpyxl', 'numpy_financial', 'streamlit') "
            "if m in sys.modules]\nprint(bad, file=sys.stderr); sys.exit(1 if bad else 0)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=ROOT, timeout=60)
    assert p.returncode == 0, p.stderr
