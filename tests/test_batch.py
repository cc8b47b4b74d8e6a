"""Year end in batch over a folder of books ."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from finance.cli import app
from tests.conftest import MKIP

runner = CliRunner()


def make_batch(root: Path) -> Path:
    folder = root / "books"
    folder.mkdir()
    shutil.copytree(MKIP, folder / "a-mkip")
    shutil.copytree(MKIP, folder / "b-other")
    s = (folder / "b-other" / "settings.csv").read_text()
    (folder / "b-other" / "settings.csv").write_text(
        s.replace("Mid Kent Improvement Partnership", "Other Partnership"))
    shutil.copytree(MKIP, folder / "c-bad")
    p = (folder / "c-bad" / "populations.csv").read_text()
    (folder / "c-bad" / "populations.csv").write_text(p.replace("128500", "lots"))
    (folder / "d-notes.xlsx").write_bytes(b"this is not a workbook")
    return folder


def test_batch_writes_good_books_and_lists_the_bad(tmp_path):
    folder = make_batch(tmp_path)
    out = tmp_path / "out"
    res = runner.invoke(app, ["run", str(folder), "--out", str(out), "--workers", "2",
                              "--no-report"])
    assert res.exit_code == 2, res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["mid-kent-improvement-partnership-2025-26.json",
                     "other-partnership-2025-26.json"]
    assert "2 of 4 books done." in res.stdout
    assert "c-bad: invalid" in res.stdout
    assert "populations row 3, column population: 'lots' is not a whole number" in res.stdout
    assert "d-notes.xlsx: is not an Excel .xlsx workbook" in res.stdout
    assert "[4/4]" in res.stdout  # plain progress lines when not a terminal


def test_all_good_batch_exits_0(tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    shutil.copytree(MKIP, folder / "only")
    res = runner.invoke(app, ["run", str(folder), "--out", str(tmp_path / "o"), "--no-report"])
    assert res.exit_code == 0, res.output


def test_two_books_of_the_same_partnership_and_year_do_not_overwrite(tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    shutil.copytree(MKIP, folder / "one")
    shutil.copytree(MKIP, folder / "two")
    res = runner.invoke(app, ["run", str(folder), "--out", str(tmp_path / "o"), "--no-report",
                              "--workers", "1"])
    assert res.exit_code == 2
    assert "two: same partnership and year as one" in res.stdout


def test_empty_folder_is_bad_input(tmp_path):
    res = runner.invoke(app, ["run", str(tmp_path), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2


@pytest.mark.parametrize("report", [False, True])
def test_one_and_two_workers_give_identical_outputs(tmp_path, report):
    folder = make_batch(tmp_path)
    outs = []
    for w in ("1", "2"):
        out = tmp_path / f"out{w}"
        args = ["run", str(folder), "--out", str(out), "--workers", w]
        if not report:
            args.append("--no-report")
        runner.invoke(app, args)
        outs.append(out)
    a = sorted(p.name for p in outs[0].iterdir())
    assert a == sorted(p.name for p in outs[1].iterdir())
    for name in a:
        if name.endswith(".json"):
            assert json.loads((outs[0] / name).read_text()) == json.loads(
                (outs[1] / name).read_text())
        else:
            assert _cells(outs[0] / name) == _cells(outs[1] / name)


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()
                       if not any(isinstance(c.value, str) and "Generated" in c.value
                                  for c in row)]
            for ws in wb.worksheets}


def test_rerun_is_idempotent_and_removes_leftovers(tmp_path):
    folder = make_batch(tmp_path)
    out = tmp_path / "out"
    runner.invoke(app, ["run", str(folder), "--out", str(out), "--no-report"])
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / ".mkip-tmp-abandoned").write_bytes(b"half a file")
    res = runner.invoke(app, ["run", str(folder), "--out", str(out), "--no-report"])
    assert "removed 1 temporary file(s)" in res.stdout
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
