"""Hostile input and faults: fuzzing, a zip bomb, a batch killed mid-run."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finance.book import MAX_UNCOMPRESSED_BYTES, load_xlsx_bytes
from finance.pipeline import process
from tests.conftest import MKIP, ROOT

TABLES = sorted(p.stem for p in MKIP.glob("*.csv"))
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _assert_handled(outcome) -> None:  # type: ignore[no-untyped-def]
    assert outcome.status in ("ok", "invalid"), outcome.error
    if outcome.status == "ok":  # every split adds up, for any input the validator accepts
        assert outcome.result is not None and outcome.result.ok, [
            c.check for c in outcome.result.checks if not c.ok]
    if outcome.status == "invalid":
        assert outcome.problems and all(str(p) for p in outcome.problems)


cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "-", "=1+1", "@SUM(A1)", "£", "(", "1e309", "nan", "inf",
                     "-0", "99999999999999999999", "0.001", "31/02/2026", "2025-26",
                     "driver:", "100%", "-5%", "yes", "\x00", "é", "\ufeff"]),
    st.integers(-(10**16), 10**16).map(str),
)


@FUZZ
@given(table=st.sampled_from(TABLES), row=st.integers(0, 40), col=st.integers(0, 8),
       value=cell_text)
def test_any_single_cell_edit_is_handled(tmp_path_factory, table, row, col, value):
    folder = tmp_path_factory.mktemp("fuzz") / "book"
    shutil.copytree(MKIP, folder)
    path = folder / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    import csv

    rows = list(csv.reader(lines))
    r = rows[min(row, len(rows) - 1)]
    r[min(col, len(r) - 1)] = value
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    _assert_handled(process(folder, with_report=False))


@FUZZ
@given(data=st.data())
def test_mutated_csv_bytes_are_handled(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz") / "book"
    shutil.copytree(MKIP, folder)
    table = data.draw(st.sampled_from(TABLES))
    path = folder / f"{table}.csv"
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    path.write_bytes(bytes(raw))
    _assert_handled(process(folder, with_report=False))


@pytest.fixture(scope="module")
def workbook_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    import csv

    for f in sorted(MKIP.glob("*.csv")):
        ws = wb.create_sheet(f.stem)
        for r in csv.reader(f.read_text(encoding="utf-8").splitlines()):
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@FUZZ
@given(data=st.data())
def test_mutated_workbook_bytes_are_handled(workbook_bytes, data):
    raw = bytearray(workbook_bytes)
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    book, problems = load_xlsx_bytes(bytes(raw), "fuzz.xlsx")
    if book is None:
        assert problems and all(p.message for p in problems)
    else:
        from finance.pipeline import compute

        result, more = compute(book, None)
        assert result is not None or more


def test_zip_bomb_is_refused_quickly(tmp_path: Path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b"0" * (1 << 20)
            for _ in range(MAX_UNCOMPRESSED_BYTES // len(chunk) + 8):
                f.write(chunk)
    assert bomb.stat().st_size < 2_000_000
    t0 = time.perf_counter()
    o = process(bomb)
    assert time.perf_counter() - t0 < 3
    assert o.status == "invalid"
    assert "over the" in str(o.problems[0]) and "byte limit" in str(o.problems[0])


def test_batch_killed_mid_run_leaves_only_whole_files_and_rerun_completes(tmp_path: Path):
    from benchmarks.generate import small_books

    books = small_books(tmp_path / "books", 24)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "finance", "run", str(books), "--out", str(out),
           "--workers", "2"]
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and len(list(out.glob("*.xlsx"))) < 3:
        time.sleep(0.05)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    finals = [f for f in out.iterdir() if not f.name.startswith(".mkip-tmp-")]
    assert finals, "the batch was killed before writing anything"
    import openpyxl

    for f in finals:
        if f.suffix == ".json":
            json.loads(f.read_text())
        else:
            openpyxl.load_workbook(f).close()
    before = {f.name: f.read_bytes() for f in out.iterdir() if f.suffix == ".json"}
    rerun = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout[-2000:]
    assert not list(out.glob(".mkip-tmp-*"))
    assert len(list(out.glob("*.json"))) == 24 and len(list(out.glob("*.xlsx"))) == 24
    for name, data in before.items():  # idempotent: same JSON apart from nothing
        assert json.loads((out / name).read_bytes()) == json.loads(data)


def test_app_upload_limit_matches_the_reader_limit():
    import tomllib

    from finance.book import MAX_FILE_BYTES

    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["maxUploadSize"] * 1024 * 1024 == MAX_FILE_BYTES


def test_the_collector_is_paused_for_a_book_and_restored_after(monkeypatch):
    import gc

    from finance import pipeline

    seen: list[bool] = []
    real = pipeline.load_book

    def spy(path):
        seen.append(gc.isenabled())
        return real(path)

    monkeypatch.setattr(pipeline, "load_book", spy)
    assert gc.isenabled()
    assert process(MKIP, with_report=False).status == "ok"
    assert seen == [False] and gc.isenabled()

    def broken(path):
        raise RuntimeError("defect")

    monkeypatch.setattr(pipeline, "load_book", broken)
    out = process(MKIP, with_report=False)
    assert out.status == "error" and "defect" in out.error and gc.isenabled()
    gc.disable()  # a caller that had it off gets it back off
    try:
        with pipeline.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_server_keeps_its_processor_for_the_pages():
    """Streamlit's developer conveniences cost a served app's processor: a watcher on
    every module for each new session (some 0.8 s before its first page could run),
    and a "magic" pass compiling the script for each new session.  Both are off, and
    the HTTP server under Streamlit uses its compiled parser and event loop (uvicorn
    picks httptools and uvloop when they are installed; its pure-Python ones served the
    page's scripts at about three times the processor time)."""
    import tomllib

    import uvicorn

    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["fileWatcherType"] == "none"
    assert cfg["runner"]["magicEnabled"] is False
    config = uvicorn.Config(lambda scope, receive, send: None)  # http and loop "auto"
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
    assert config.get_loop_factory().__module__.startswith("uvloop")
