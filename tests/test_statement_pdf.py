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
    rounding = next(x for x in text.splitlines() if x.startswith("Rounding (largest remainder)"))
    assert rounding.split()[-1] == fmt_amount(a.rounding)
    for c in st.services:
        line = next(x for x in text.splitlines() if x.startswith(f"{c.name} ({c.service})"))
        assert line.split()[-2:] == [fmt_amount(c.share), fmt_amount(c.paid - c.share)]
    names = {p.code: p.name for p in mkip_result.book.parties}
    for i in st.settlement:
        assert f"{names[i.counterparty]} ({i.counterparty})" in text
        assert fmt_amount(i.amount) in text
    net = next(x for x in text.splitlines() if "Net cash 2025-26" in x)
    assert net.split()[-1] == fmt_amount(st.net_cash)
    assert "Prepared by:" in text and "Signed, section 151 officer" in text


def test_mbc_figures_as_formatted_on_the_page(written: Path) -> None:
    """MBC (hand-worked in test_statements): £42,840.00 in, (£29,194.60) spent, rounding
    (£0.01), paid as host and lead £5,578,500.00, net cash (£3,142,363.77)."""
    text = _text(written / f"{STEM}-MBC.pdf")
    for figure in ("42,840.00", "(29,194.60)", "(0.01)", "15,734.78", "7,867.39",
                   "(5,578,500.00)", "(3,142,363.77)", "971,970.77", "1,499,138.07"):
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
    assert "and 54 more services" in text and "and 26 more councils" in text
    assert fmt_amount(54 * 1_234_567_89) in text
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
                     r"MKIP/2026/14\), closed 20\d\d-\d\d-\d\d \d\d:\d\d UTC\.",
                     " ".join(final.split()))  # the approval may wrap to a second line
    # a different book for the same closed year is not the approved one
    book_copy.set("ledger", 0, "amount", "15001.00")
    res = runner.invoke(app, ["statements", str(book_copy.path), "--out", str(out),
                              "--db", db])
    assert res.exit_code == 0
    assert "is closed (version 1) from a different book" in res.output
    assert "DRAFT" in _text(out / f"{STEM}-MBC.pdf")


_AMOUNT = r"\(?[\d,]+\.\d\d\)?"


def _pence(text: str) -> int:
    """``"(1,234.56)"`` -> -123456."""
    v = int(text.strip("()").replace(",", "").replace(".", ""))
    return -v if text.startswith("(") else v


@pytest.mark.parametrize("party", PARTIES)
def test_each_statement_adds_up_from_the_figures_on_its_page(
        written: Path, mkip_result: Result, party: str) -> None:
    """Read back with pdftotext, the page alone reconciles: the fund account's lines make
    the uncommitted balance; each service and business case line gives paid - share =
    its settlement, and they add up to the net settlement position (so the business
    cases' set-up shares are on the page, §18.1(b)); refund - contribution -
    supplementary - paid as host or lead + net settlement = net cash."""
    text = _text(written / f"{STEM}-{party}.pdf")
    lines = text.splitlines()
    # 1. fund account: the council's column down to the rounding line
    top = next(i for i, x in enumerate(lines) if "Partnership £" in x)
    unc = next(i for i, x in enumerate(lines) if x.startswith("Uncommitted balance"))
    own = [_pence(x.split()[-1]) for x in lines[top + 1:unc] if re.search(_AMOUNT + "$", x)]
    assert len(own) == 9 and sum(own) == _pence(lines[unc].split()[-1])
    # 2. what makes up the settlement
    head = next(i for i, x in enumerate(lines) if x.startswith("Service or business case"))
    total = next(i for i, x in enumerate(lines) if x.startswith("Total: net settlement"))
    settled = []
    for x in lines[head + 1:total]:
        amounts = re.findall(_AMOUNT, x)
        if not amounts:
            continue
        paid, share, settlement = (_pence(v) for v in amounts[-3:])
        assert paid - share == settlement, x
        settled.append(settlement)
    st = next(s for s in statements(mkip_result) if s.party == party)
    assert "Business case set-up costs" in text
    assert len(settled) == len(st.services) + len(st.setups) and len(st.setups) == 3
    t = [_pence(v) for v in re.findall(_AMOUNT, lines[total])]
    assert sum(settled) == t[-1] and t[0] - t[1] == t[2]
    net_settlement = {_pence(v) for v in re.findall(r"Net settlement position\s+(" + _AMOUNT
                                                     + ")", text)}
    assert net_settlement == {t[-1]}
    # 3. net cash, line by line
    parts = [_pence(re.search(label + r"\s+(" + _AMOUNT + ")", text).group(1))  # type: ignore[union-attr]
             for label in ("Refund receivable", "Less: contribution", "Less: supplementary",
                           "Less: paid as host or lead")]
    net = _pence(re.search(r"Net cash 2025-26\s+(" + _AMOUNT + ")", text).group(1))  # type: ignore[union-attr]
    assert sum(parts) + t[-1] == net
    assert parts[3] == -t[0]  # what it paid, as listed beside each service and case
    assert "Net cash = refund - contribution - supplementary - paid for the partnership" in (
        " ".join(text.split()))


@pytest.mark.parametrize("party", PARTIES)
def test_the_pdf_embeds_its_fonts(written: Path, party: str) -> None:
    out = subprocess.run([_tool("pdffonts"), str(written / f"{STEM}-{party}.pdf")],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    rows = out.splitlines()[2:]
    assert rows and all("Type 1" not in r for r in rows)  # no core (unembedded) font
    assert all(r.split()[-5] == "yes" for r in rows), out  # the emb column


def test_the_signing_block_names_the_accountable_bodys_section_151_officer(
        book_copy: BookCopy, tmp_path: Path) -> None:
    def officer(rows: list[dict[str, str]]) -> None:
        for r in rows:
            r["s151_officer"] = {"MBC": "Mark Green", "SBC": "Lisa Fillery"}.get(r["code"], "")

    rows = book_copy.rows("parties")
    officer(rows)
    book_copy.write("parties", rows, [*rows[0]])
    out = tmp_path / "out"
    res = runner.invoke(app, ["statements", str(book_copy.path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = _text(out / f"{STEM}-SBC.pdf")
    flat = " ".join(text.split())
    # SBC's statement is certified by the accountable body's (MBC's) officer, by name
    assert ("To be signed by the section 151 officer of Maidstone Borough Council (MBC), "
            "the accountable body (§13.3).") in flat
    assert "Mark Green" in text and "Lisa Fillery" not in text
    assert "Signed, section 151 officer, MBC" in text


def _archival_markers(pdf: bytes) -> dict[str, str]:
    """What a PDF/A-2b file carries, read from its bytes: the header's version, the XMP
    metadata's PDF/A part and conformance and title, the output intent's subtype and the
    number of colour components of its ICC profile."""
    xmp = re.search(rb"<x:xmpmeta.*?</x:xmpmeta>", pdf, re.S)
    assert xmp, "no XMP metadata"
    meta = xmp.group(0).decode("utf-8")
    intent = re.search(rb"/OutputIntents \[<<(.*?)>>\]", pdf, re.S)
    assert intent, "no output intent"
    profile = re.search(rb"/DestOutputProfile (\d+) 0 R", intent.group(1))
    assert profile
    icc = re.search(rb"\n" + profile.group(1) + rb" 0 obj\s*<<(.*?)>>", pdf, re.S)
    assert icc

    def tag(name: str) -> str:
        m = re.search(rf"<{name}>(?:<rdf:Alt><rdf:li[^>]*>)?(.*?)<", meta)
        return m.group(1) if m else ""

    def first(pattern: bytes, data: bytes) -> str:
        m = re.search(pattern, data)
        return m.group(1).decode() if m else ""

    return {"version": pdf[:8].decode(), "part": tag("pdfaid:part"),
            "conformance": tag("pdfaid:conformance"), "title": tag("dc:title"),
            "created": first(rb'xmp:CreateDate="([^"]+)"', xmp.group(0)),
            "intent": first(rb"/S /(\w+)", intent.group(1)),
            "components": first(rb"/N (\d+)", icc.group(1)),
            "encrypted": str(b"/Encrypt" in pdf), "id": str(b"/ID [<" in pdf)}


def test_the_statements_and_budget_notices_declare_pdf_a_2b(mkip_result: Result) -> None:
    """Each statement and each budget notice is written as PDF/A-2b (for keeping): PDF
    1.7, XMP metadata naming part 2 and conformance B with the document's title and its
    fixed creation date, an sRGB output intent with its ICC profile (three components),
    a file identifier, no encryption (its fonts are embedded: see above).  The
    conformance is declared, not validated by a PDF/A validator."""
    from finance.book import require_book
    from finance.budget_pdf import budget_pdfs
    from finance.budget_run import make_budget

    bg, problems = make_budget(require_book(MKIP), None, 2)
    assert bg is not None, problems
    notices = budget_pdfs(bg)
    assert notices
    for name, pdf in [*statement_pdfs(mkip_result).items(), *notices.items()]:
        got = _archival_markers(pdf)
        assert got == {"version": "%PDF-1.7", "part": "2", "conformance": "B",
                       "title": got["title"], "created": got["created"],
                       "intent": "GTS_PDFA1", "components": "3", "encrypted": "False",
                       "id": "True"}, name
        assert got["title"].startswith("Mid Kent Improvement Partnership: "), got
        assert got["created"] in ("2026-03-31T00:00:00+00:00", f"{bg.year[:4]}-04-01T00:00:00"
                                  "+00:00"), got
    assert budget_pdfs(bg) == notices  # the metadata's dates are fixed: the same bytes
