"""``mkip statements``: one A4 PDF per paying council, its figures as text on the page.

``pdftotext`` and ``pdfinfo`` (poppler-utils) read the PDFs back; without them those tests
are skipped, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from finance.cli import app
from finance.core.run import Result
from finance.core.statements import statements
from finance.statement_pdf import Approval, fmt_amount, statement_pdf, statement_pdfs
from tests.conftest import IN_CI, MKIP, BookCopy

runner = CliRunner()
STEM = "mid-kent-improvement-partnership-2025-26"
PARTIES = ("MBC", "SBC", "TWBC")


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        if IN_CI:
            pytest.fail(f"{name} (poppler-utils) is required in CI to read the statements")
        pytest.skip(f"{name} (poppler-utils) is not installed: cannot read the PDFs back")
    return exe


def _text(pdf: Path) -> str:
    out = subprocess.run([_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True, timeout=60)
    return out.stdout


def _pages(pdf: Path) -> int:
    out = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    line = next(x for x in out.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("statements")
    res = runner.invoke(app, ["statements", str(MKIP), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_one_pdf_per_paying_council_named_after_the_report(written: Path) -> None:
    assert sorted(p.name for p in written.iterdir()) == [
        f"{STEM}-{p}.pdf" for p in PARTIES]  # KCC pays nothing: no statement


def test_bundled_book_is_the_default_and_a_rerun_is_byte_identical(
        written: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["statements"])
    assert res.exit_code == 0, res.output
    for p in PARTIES:
        name = f"{STEM}-{p}.pdf"
        assert f"wrote reports/{name}" in res.stdout
        assert (tmp_path / "reports" / name).read_bytes() == (written / name).read_bytes()


@pytest.mark.parametrize("party", PARTIES)
def test_each_pdf_is_one_a4_page(written: Path, party: str) -> None:
    pdf = written / f"{STEM}-{party}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert _pages(pdf) == 1
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert "(A4)" in info


@pytest.mark.parametrize("party", PARTIES)
def test_pdf_text_carries_the_councils_figures(written: Path, mkip_result: Result,
                                               party: str) -> None:
    text = _text(written / f"{STEM}-{party}.pdf")
    st = next(s for s in statements(mkip_result) if s.party == party)
    assert "Mid Kent Improvement Partnership" in text
    assert "Statement of account 2025-26" in text
    assert f"{st.name} ({party})" in text
    assert "DRAFT" in text
    a = st.account
    for label, pence in (("Contributions (30p per head, §13.2)", a.contribution),
                         ("External funding", a.external_funding), ("Income", a.income),
                         ("Less: spend", -a.spend),
                         ("Less: commitments at 31 March", -a.commitments),
                         ("Uncommitted balance", a.uncommitted),
                         ("Carried over to 2026-27", a.carry_over)):
        line = next(x for x in text.splitlines() if x.startswith(label))
        assert line.split()[-1] == fmt_amount(pence), (label, line)
    rounding = next(x for x in text.splitlines() if x.startswith("Rounding"))
    assert rounding.split()[-1] == fmt_amount(a.rounding)
    for c in st.services:
        line = next(x for x in text.splitlines() if x.startswith(c.name))
        assert line.split()[-1] == fmt_amount(c.share)
    names = {p.code: p.name for p in mkip_result.book.parties}
    for i in st.settlement:
        assert f"{names[i.counterparty]} ({i.counterparty})" in text
        assert fmt_amount(i.amount) in text
    net = next(x for x in text.splitlines() if "Net cash 2025-26" in x)
    assert net.split()[-1] == fmt_amount(st.net_cash)
    assert "Prepared by:" in text and "Signed, section 151 officer" in text


def test_mbc_figures_as_formatted_on_the_page(written: Path) -> None:
    """MBC (hand-worked in test_statements): £42,840.00 in, (£29,194.60) spent, rounding
    (£0.01), net cash £2,436,136.23."""
    text = _text(written / f"{STEM}-MBC.pdf")
    for figure in ("42,840.00", "(29,194.60)", "(0.01)", "15,734.78", "7,867.39",
                   "2,436,136.23", "971,970.77", "1,499,138.07"):
        assert figure in text


def test_prepared_by_setting_is_shown(book_copy: BookCopy, tmp_path: Path) -> None:
    book_copy.edit("settings", lambda rows: rows.append(
        {"key": "prepared_by", "value": "A. Finance, Shared Finance Team"}))
    out = tmp_path / "out"
    res = runner.invoke(app, ["statements", str(book_copy.path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "warning" not in res.output  # prepared_by is a setting the parser knows
    assert re.search(r"Prepared by:\s+A\. Finance, Shared Finance Team",
                     _text(out / f"{STEM}-SBC.pdf"))


def test_bad_input_exits_2_and_writes_nothing(book_copy: BookCopy, tmp_path: Path) -> None:
    book_copy.set("ledger", 0, "amount", "12,34")
    out = tmp_path / "out"
    res = runner.invoke(app, ["statements", str(book_copy.path), "--out", str(out)])
    assert res.exit_code == 2
    assert "ledger" in res.output and "nothing was written" in res.output
    assert not out.exists()


def test_unknown_year_and_missing_book_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["statements", "--year", "2019-20", "--out", str(out)]
                         ).exit_code == 2
    assert runner.invoke(app, ["statements", str(tmp_path / "nope"), "--out", str(out)]
                         ).exit_code == 2
    assert not out.exists()


def test_pdf_bytes_are_deterministic_and_status_is_a_parameter(mkip_result: Result) -> None:
    st = statements(mkip_result)[0]
    assert statement_pdf(st, mkip_result) == statement_pdf(st, mkip_result)
    assert set(statement_pdfs(mkip_result)) == set(PARTIES)
    with pytest.raises(ValueError, match="approver"):
        Approval("FINAL")
    with pytest.raises(ValueError, match="time of closing"):
        Approval("FINAL", "Cllr J Smith", "MKIP/2026/14", None, date(2026, 3, 12))
    with pytest.raises(ValueError):
        Approval("APPROVED")


def test_a_long_statement_still_fits_one_page(mkip_result: Result, tmp_path: Path) -> None:
    """Many services and counterparties, long names: the first few are listed, the rest
    summed on one line, and the page still holds the signature block."""
    import dataclasses

    from finance.core.statements import ServiceCharge, SettlementItem

    st = statements(mkip_result)[0]
    long = "A shared service with a very long name indeed, for the layout " * 2
    many = dataclasses.replace(
        st,
        services=tuple(ServiceCharge(f"S{i:03d}", long, "SBC", "driver:caseload", 7,
                                     99_999_999_99, 1_234_567_89) for i in range(60)),
        settlement=tuple(SettlementItem(f"X{i:02d}", (-1) ** i * 9_876_543_21)
                         for i in range(30)))
    # FINAL, approved by a long e-mail address: the approval wraps to a second line
    final = Approval("FINAL", "chief.financial.officer@tunbridgewells.gov.uk",
                     "MKIP/2026/14-APPENDIX-B", datetime(2026, 3, 14, 10, 2, tzinfo=UTC),
                     date(2026, 3, 12))
    data = statement_pdf(many, mkip_result, prepared_by="B. Treasurer " * 5, approval=final)
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(data)
    assert _pages(pdf) == 1
    text = _text(pdf)
    assert ("Approved by chief.financial.officer@tunbridgewells.gov.uk at the board meeting of "
            "12 March 2026 (minute MKIP/2026/14-APPENDIX-B), closed 2026-03-14 10:02 UTC."
            ) in " ".join(text.split())
    assert "and 52 more services" in text and "and 26 more councils" in text
    assert fmt_amount(52 * 1_234_567_89) in text
    assert "Signed, section 151 officer" in text


def test_statements_say_final_once_the_year_is_closed_from_the_same_book(
        book_copy: BookCopy, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'history.db'}"
    out = tmp_path / "out"
    res = runner.invoke(app, ["statements", str(book_copy.path), "--out", str(out),
                              "--db", db])
    assert res.exit_code == 0, res.output
    draft = _text(out / f"{STEM}-MBC.pdf")
    assert "DRAFT" in draft and "not yet approved by the partnership board" in draft
    res = runner.invoke(app, ["close", str(book_copy.path), "--approved-by", "Cllr J Smith",
                              "--minute", "MKIP/2026/14", "--meeting-date", "2026-03-12",
                              "--db", db])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["statements", str(book_copy.path), "--out", str(out),
                              "--db", db])
    assert res.exit_code == 0, res.output
    final = _text(out / f"{STEM}-MBC.pdf")
    assert "FINAL" in final and "DRAFT" not in final
    # the approval is dated by the board meeting, the time of closing beside it
    assert re.search(r"Approved by Cllr J Smith at the board meeting of 12 March 2026 \(minute "
                     r"MKIP/2026/14\), closed 20\d\d-\d\d-\d\d \d\d:\d\d UTC\.", final)
    # a different book for the same closed year is not the approved one
    book_copy.set("ledger", 0, "amount", "15001.00")
    res = runner.invoke(app, ["statements", str(book_copy.path), "--out", str(out),
                              "--db", db])
    assert res.exit_code == 0
    assert "is closed (version 1) from a different book" in res.output
    assert "DRAFT" in _text(out / f"{STEM}-MBC.pdf")
