"""A party leaving takes part in services for the months up to and including the month it
leaves (§11.4 weights a part-year participant by its months; §16 settles its exit), and a
party that left on or before 1 April takes no part.  Its contribution is unchanged: it
was paid in full on 1 April (§13.2)."""

from __future__ import annotations

from finance.book import load_book, require_book
from finance.core.run import run_year
from tests.conftest import BookCopy


def leaves(book: BookCopy, party: str, notice: str, left: str) -> BookCopy:
    def fn(rows: list[dict[str, str]]) -> None:
        for r in rows:
            if r["code"] == party:
                r["notice_given"], r["left"] = notice, left

    return book.edit("parties", fn)


def service(r, code: str):  # type: ignore[no-untyped-def]
    return next(s for s in r.services if s.service == code)


def test_a_leaver_on_30_september_takes_part_for_six_months(book_copy: BookCopy) -> None:
    before = run_year(require_book(book_copy.path))
    r = run_year(require_book(leaves(book_copy, "SBC", "2025-03-31", "2025-09-30").path))
    planning = service(r, "PLANNING")  # equal: months 12 / 6 / 12 of £905,000.00
    assert [(x.party, x.months) for x in planning.lines] == [("MBC", 12), ("SBC", 6),
                                                              ("TWBC", 12)]
    assert planning.shares == {"MBC": 36_200_000, "SBC": 18_100_000, "TWBC": 36_200_000}
    audit = service(r, "AUDIT")  # £624,000.00 on audit days x months: 5040 : 2280 : 4200
    assert audit.shares == {"MBC": 27_300_000, "SBC": 12_350_000, "TWBC": 22_750_000}
    assert sum(audit.shares.values()) == audit.net_cost
    legal = service(r, "LEGAL")  # fixed shares are agreed for the year: not pro-rated
    assert legal.shares == service(before, "LEGAL").shares
    # the contribution was paid in full on 1 April
    assert r.contributions.weights == before.contributions.weights


def test_a_leaver_on_1_april_takes_no_part(book_copy: BookCopy) -> None:
    leaves(book_copy, "SBC", "2024-09-30", "2025-04-01")

    def drop_from_fixed(rows: list[dict[str, str]]) -> None:
        rows[:] = [r for r in rows if not (r["service"] == "LEGAL" and r["party"] == "SBC")]
        for r in rows:
            if r["service"] == "LEGAL":
                r["fixed_share"] = "50%"

    book_copy.edit("service_parties", drop_from_fixed)
    r = run_year(require_book(book_copy.path), "2025-26")
    planning = service(r, "PLANNING")
    assert planning.shares == {"MBC": 45_250_000, "SBC": 0, "TWBC": 45_250_000}
    assert "SBC" not in r.contributions.weights or r.contributions.weights["SBC"] == 0


def test_a_fixed_service_keeping_a_leaver_from_before_the_year_is_a_located_problem(
        book_copy: BookCopy) -> None:
    leaves(book_copy, "SBC", "2024-09-30", "2025-04-01")
    book, problems = load_book(book_copy.path)
    assert book is not None, problems
    from finance.core.run import check_year

    found = [str(p) for p in check_year(book, "2025-26")]
    assert ("service_parties row 9, column party: 'SBC' left on 2025-04-01, before 2025-26, "
            "so it takes no part in 'LEGAL': give the parties that remain new fixed shares "
            "totalling 100%") in found


def test_a_fixed_share_saving_is_against_a_whole_year_alone(book_copy: BookCopy) -> None:
    """A fixed share is agreed for the year, not pro-rated, so a leaver's saving on a
    fixed service compares it with a whole year's stand-alone cost (Legal: SBC pays its
    35%, £399,000.00, against £440,000.00 alone: it saves £41,000.00, not -£179,000.00)."""
    import io

    import openpyxl

    from finance.core.jsonout import result_json
    from finance.report import build_report

    r = run_year(require_book(leaves(book_copy, "SBC", "2025-03-31", "2025-09-30").path))
    legal = service(r, "LEGAL")
    sbc = next(x for x in legal.lines if x.party == "SBC")
    assert (sbc.months, sbc.share, legal.saving(sbc)) == (6, 39_900_000, 4_100_000)
    js = next(s for s in result_json(r)["services"] if s["service"] == "LEGAL")
    assert next(p for p in js["parties"] if p["party"] == "SBC")["saving"] == "41000.00"
    planning = service(r, "PLANNING")  # equal: six months' share against six months alone
    p_sbc = next(x for x in planning.lines if x.party == "SBC")
    assert planning.saving(p_sbc) == 16_250_000 - 18_100_000
    wb = openpyxl.load_workbook(io.BytesIO(build_report(r)), data_only=True, read_only=True)
    checks = [row for row in wb["Checks"].iter_rows(values_only=True)
              if row and row[-1] in (True, False)]
    assert checks and all(row[-1] is True for row in checks)  # report = engine, savings too
