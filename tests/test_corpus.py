"""The committed corpus of bad books (tests/data/bad/): one defect each, its message,
exit code 2, nothing written, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from finance.cli import app
from tests.conftest import ROOT

BAD = ROOT / "tests" / "data" / "bad"
runner = CliRunner()


def _cases() -> list[tuple[Path, str]]:
    out = []
    for p in sorted(BAD.iterdir()):
        if p.name.endswith(".expected.txt"):
            continue
        exp = p / "expected.txt" if p.is_dir() else p.with_name(p.name + ".expected.txt")
        out.append((p, exp.read_text(encoding="utf-8").strip()))
    return out


CASES = _cases()


def test_the_corpus_covers_at_least_40_kinds():
    assert len(CASES) >= 40


@pytest.mark.parametrize(("book", "expected"), CASES, ids=[c[0].name for c in CASES])
def test_bad_book_is_refused_precisely(book: Path, expected: str, tmp_path: Path):
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", str(book), "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert expected in res.stderr, res.stderr
    assert "Traceback" not in res.output
    assert not out.exists() or not any(out.iterdir())


def test_the_corpus_is_rebuilt_by_its_script_unchanged(tmp_path, monkeypatch):
    """The committed files are what make_bad_corpus.py writes (for the CSV cases)."""
    from tests.data import make_bad_corpus as m

    monkeypatch.setattr(m, "BAD", tmp_path / "bad")
    m.main()
    for case in (tmp_path / "bad").iterdir():
        if case.is_dir():
            for f in case.iterdir():
                assert f.read_bytes() == (BAD / case.name / f.name).read_bytes(), f


FOLDERS = [c for c in CASES if c[0].is_dir()]


@pytest.mark.parametrize(("book", "expected"), FOLDERS, ids=[c[0].name for c in FOLDERS])
def test_bad_book_is_refused_the_same_when_read_by_columns(
    book: Path, expected: str, monkeypatch: pytest.MonkeyPatch
):
    """A large book is read a column at a time (finance.columnar); each defect still
    comes back with the row reader's message, row and column (and a book whose defect
    only the run finds is the same book)."""
    import finance.book as fb

    slow, slow_problems = fb.load_book(book)
    monkeypatch.setattr(fb, "COLUMNAR_MIN_BYTES", 0)
    fast, fast_problems = fb.load_book(book)
    assert fast == slow
    assert [str(p) for p in fast_problems] == [str(p) for p in slow_problems]
