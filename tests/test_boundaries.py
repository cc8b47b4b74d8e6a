"""The core does no I/O and imports no UI or spreadsheet library (fava/beancount style)."""

from __future__ import annotations

import ast
import re
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


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _imports(path: Path, package: str) -> set[str]:
    """The ``finance`` modules a module imports, anywhere in it (at the top, inside a
    function, or for type checking only): each is a dependency all the same."""
    tree = ast.parse(path.read_text(), str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from its package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in out if m == "finance" or m.startswith("finance.")}


def import_graph() -> dict[str, set[str]]:
    """``{module: finance modules it imports}`` for every module of the package."""
    files = sorted((ROOT / "finance").rglob("*.py"))
    modules = {_module_name(f): f for f in files}
    graph: dict[str, set[str]] = {}
    for name, f in modules.items():
        package = name if f.name == "__init__.py" else name.rpartition(".")[0]
        deps = {m for m in _imports(f, package) if m in modules and m != name}
        graph[name] = {d for d in deps if not name.startswith(d + ".")}  # not its parents
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_in_the_package() -> None:
    graph = import_graph()
    assert "finance.core.ledger" in graph["finance.core.model"]  # the graph sees imports
    assert cycles(graph) == []


#: What would point a reader outside the repository: the old contract's name, the shared
#: folder beside the repository, or a tracker's issue number.  Built in pieces so that
#: this file does not match itself.
OUTSIDE = re.compile(r"\b" + "SP" + r"EC\b|\.\./" + "shared|" + "iss" + r"ue *#?[0-9]",
                     re.IGNORECASE)


def test_nothing_in_the_repository_points_outside_it() -> None:
    files = subprocess.run(["git", "ls-files", "-z"], capture_output=True, cwd=ROOT,
                           check=True).stdout.decode().split("\0")
    hits = []
    for name in filter(None, files):
        path = ROOT / name
        if not path.is_file() or path.suffix in {".xlsx", ".xls", ".png", ".pdf", ".zip"}:
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        hits += [f"{name}:{n}: {line.strip()[:80]}" for n, line in
                 enumerate(text.splitlines(), start=1) if OUTSIDE.search(line)]
    assert hits == []


def test_the_outside_pattern_matches_what_it_should() -> None:
    for bad in ("see " + "SP" + "EC §4", "../" + "shared/seeds", "iss" + "ue 6",
                "Iss" + "ue #12"):
        assert OUTSIDE.search(bad), bad
    for fine in ("test_spec_audit.py", "the agreement's §13.2", "issued 2012", "spectrum"):
        assert not OUTSIDE.search(fine), fine
