"""``app.py`` reads as the table of contents of the screen: short functions of widgets,
calls into :mod:`finance` and display, and no arithmetic (the figures, and any sum,
count or rounding, come from the core and :mod:`finance.appdata`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The longest a function's body may be, in lines (its docstring counted).
MOST_LINES = 60
SCREEN = [ROOT / "app.py", *sorted((ROOT / "finance" / "appdata").glob("*.py"))]


def body_lines(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """The lines of a function's body, from its first statement to its last's end."""
    last = fn.body[-1]
    return (last.end_lineno or last.lineno) - fn.body[0].lineno + 1


def long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name}() is {body_lines(fn)} lines"
            for fn in ast.walk(tree)
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
            and body_lines(fn) > MOST_LINES]


@pytest.mark.parametrize("path", SCREEN, ids=lambda p: p.name)
def test_no_function_of_the_screen_is_longer_than_sixty_lines(path: Path) -> None:
    assert long_functions(path) == []


def test_the_length_rule_counts_a_functions_body() -> None:
    src = "def f():\n    '''doc'''\n" + "    x = 1\n" * 59 + "\n\ndef g():\n    pass\n"
    tree = ast.parse(src)
    lengths = {fn.name: body_lines(fn) for fn in ast.walk(tree)
               if isinstance(fn, ast.FunctionDef)}
    assert lengths == {"f": 60, "g": 1}
    tree = ast.parse(src.replace("    x = 1\n", "    x = 1\n    y = 2\n", 1))
    assert [body_lines(fn) for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef)
            and fn.name == "f"] == [61]


ARITHMETIC = (ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.MatMult)
SUMS = {"sum", "round", "abs", "min", "max", "divmod", "pow"}


def arithmetic(source: str) -> list[str]:
    """Each piece of arithmetic in ``source``: an arithmetic operator, a number added,
    an augmented assignment, or a call that sums, rounds or compares sizes (string
    concatenation with ``+`` is not arithmetic)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.BinOp) and (isinstance(node.op, ARITHMETIC) or any(
                isinstance(side, ast.Constant) and isinstance(side.value, int | float)
                and not isinstance(side.value, bool) for side in (node.left, node.right))):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.AugAssign):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in SUMS):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
              and not isinstance(node.operand, ast.Constant)):  # -50.0 is a number
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return sorted(found, key=lambda f: int(f.split()[1].rstrip(":")))


def test_app_py_does_no_arithmetic() -> None:
    assert arithmetic((ROOT / "app.py").read_text(encoding="utf-8")) == []


def test_the_arithmetic_rule_sees_sums_and_leaves_text_alone() -> None:
    assert arithmetic("a = 'x' + name + f'{y}'\nst.columns([3, 1])\n") == []
    assert arithmetic("n = count + 1\nv = x * 100\nt = max(xs)\ni -= 1\n") == [
        "line 1: count + 1", "line 2: x * 100", "line 3: max(xs)", "line 4: i -= 1"]
