"""Statement per council (§13.2-§13.3 fund account, §18.1 services and settlement): worked
by hand on the bundled book, and as properties on random books."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from finance.core.jsonout import result_json
from finance.core.model import Book, LedgerEntry, Party, Population, Settings, YearRow
from finance.core.money import to_pence
from finance.core.run import Result, run_year
from finance.core.statements import SPLIT_LINES, FundAccount, fund_accounts, statements
from finance.core.yearend import year_end
from tests.conftest import BookCopy

Y = "2025-26"


def _mbc(r: Result):  # type: ignore[no-untyped-def]
    return next(s for s in statements(r) if s.party == "MBC")


def test_mbc_statement_on_the_bundled_book_by_hand(mkip_result: Result) -> None:
    """MBC contributes £42,840.00 (§13.2: 30p x 142,800) of £112,770.00: weight
    4,284,000 / 11,277,000.  Quotas (pence), floors, and the pennies left over (largest
    remainder; ties never arise here):

    * external funding £15,000.00: MBC 569,832.40, SBC 512,769.35, TWBC 417,398.24;
      one penny left, to MBC (.40): 569,833
    * income £2,500.00: 94,972.07, 85,461.56, 69,566.37; one penny, to SBC: MBC 94,972
    * spend £76,850.50: 2,919,460.34, 2,627,105.41, 2,138,484.25; one penny, to SBC:
      MBC 2,919,460 (the year end's own spend share)
    * commitments £12,000.00: 455,865.92, 410,215.48, 333,918.60; two pennies, to MBC
      (.92) and TWBC (.60): MBC 455,866
    * uncommitted 112,770.00 + 15,000.00 + 2,500.00 - 76,850.50 - 12,000.00 = £41,419.50;
      refund 50% = £20,709.75, carried over £20,709.75; MBC's quotas 786,739.11 of each:
      refund 786,739 and carry-over 786,739 (the pennies go to TWBC's .89)

    MBC's lines: 4,284,000 + 569,833 + 94,972 - 2,919,460 - 455,866 = 1,573,479 pence;
    its uncommitted share 786,739 + 786,739 = 1,573,478: a rounding line of -1p.
    """
    s = _mbc(mkip_result)
    a = s.account
    assert (s.name, s.year) == ("Maidstone Borough Council", Y)
    assert a.rows() == (
        ("opening_balance", 0), ("opening_commitments", 0), ("contribution", 4284000),
        ("external_funding", 569833), ("income", 94972), ("admin_recharge", 0),
        ("spend", -2919460), ("commitments", -455866), ("rounding", -1),
        ("uncommitted", 1573478), ("refund", 786739), ("carry_over", 786739))
    rows = dict(a.rows())
    # the statement adds across: every line down to the rounding line makes uncommitted
    down = ["opening_balance", "opening_commitments", "contribution", "external_funding",
            "income", "admin_recharge", "spend", "commitments", "rounding"]
    assert sum(rows[k] for k in down) == rows["uncommitted"] == rows["refund"] + rows[
        "carry_over"]
    assert a.adds_up
    # every existing figure stays as the year end has it
    line = next(x for x in mkip_result.year_end.parties if x.party == "MBC")
    assert (a.contribution, a.spend, a.refund, a.carry_over, a.supplementary) == (
        line.contribution, line.spend, line.refund, line.carry_over, line.supplementary)


def test_mbc_services_settlement_and_net_cash(mkip_result: Result) -> None:
    """MBC's service shares are those of the service splits; it hosts Audit, ICT, HR and
    Revenues and Benefits, so it is owed by both others: SBC pays it £971,970.77 (net of
    what MBC owes SBC for Legal and Planning) and TWBC £1,499,138.07.  Net cash: refund
    £7,867.39 - contribution £42,840.00 - paid as host and lead £5,578,500.00 + settlement
    £2,471,108.84 = -£3,142,363.77."""
    s = _mbc(mkip_result)
    shares = {sp.service: sp.shares["MBC"] for sp in mkip_result.services}
    assert {c.service: c.share for c in s.services} == shares
    assert [(i.counterparty, i.amount) for i in s.settlement] == [
        ("SBC", 97197077), ("TWBC", 149913807)]
    assert s.settlement_net == 97197077 + 149913807 == 247110884
    # it paid £5,578,500.00 for the partnership as host and lead (net cash, section 4.3)
    assert s.net_cash == 786739 - 4284000 - 0 - 557850000 + 247110884 == -314236377


def test_every_paying_party_has_a_statement_and_rounding_nets_to_zero(
        mkip_result: Result) -> None:
    ss = statements(mkip_result)
    assert [s.party for s in ss] == ["MBC", "SBC", "TWBC"]  # KCC pays nothing
    assert sum(s.account.rounding for s in ss) == 0
    assert sum(s.settlement_net for s in ss) == 0
    for s in ss:
        assert s.account.adds_up
        assert sum(i.amount for i in s.settlement) == s.settlement_net


def test_a_party_with_only_a_service_share_gets_a_statement(book_copy: BookCopy) -> None:
    """KCC pays no contribution (non-voting, §6.2) but takes part in Planning Support:
    its statement has an all-zero fund account, its charge (£905,000.00 / 4) and what it
    pays the host, SBC: that charge plus a quarter of SBC's £60,000.00 set-up cost of the
    planning support system it leads (§18.1(b)), £241,250.00 in all."""
    from finance.book import require_book

    book_copy.edit("service_parties", lambda rows: rows.append(
        {"service": "PLANNING", "year": Y, "party": "KCC", "fixed_share": "",
         "standalone_cost": "", "joined": ""}))
    r = run_year(require_book(book_copy.path))
    kcc = next(s for s in statements(r) if s.party == "KCC")
    assert kcc.account.contribution == 0 and kcc.account.uncommitted == 0
    assert [(c.service, c.share) for c in kcc.services] == [("PLANNING", 22625000)]
    assert [(i.counterparty, i.amount) for i in kcc.settlement] == [("SBC", -24125000)]
    assert kcc.net_cash == kcc.settlement_net == -22625000 - 1500000


# --------------------------------------------------------------------------- properties

MONEY = st.integers(-10**9, 10**9)
KINDS = st.sampled_from(["spend", "commitment", "external_funding", "income",
                         "admin_recharge"])


@st.composite
def books(draw: st.DrawFn) -> Book:
    codes = draw(st.lists(st.sampled_from(["A", "B", "C", "D", "E", "F"]), min_size=1,
                          max_size=6, unique=True))
    parties = tuple(Party(c, c, True) for c in codes)
    pops = tuple(Population(c, Y, draw(st.integers(1, 2_000_000))) for c in codes)
    rate = Decimal(draw(st.integers(0, 10_000))) / 100
    share = draw(st.none() | st.integers(0, 100).map(lambda x: Decimal(x) / 100)
                 | st.sampled_from([Decimal("0.333333"), Decimal("0.5")]))
    years = (YearRow(Y, rate, draw(MONEY), draw(MONEY), share),)
    ledger = tuple(LedgerEntry(Y, k, a) for k, a in draw(st.lists(st.tuples(KINDS, MONEY),
                                                                   max_size=12)))
    return Book(Settings("P", codes[0]), parties, pops, years, ledger)


@given(b=books())
def test_every_statement_adds_across_and_its_rounding_is_small(b: Book) -> None:
    ye = year_end(b, Y)
    accounts = fund_accounts(ye)
    assert [a.party for a in accounts] == [x.party for x in ye.parties]
    for a, x in zip(accounts, ye.parties, strict=True):
        assert a.adds_up
        # each of the 9 split shares is within a penny of its exact quota, and the exact
        # quotas add up: so |rounding| < 9, at most 8 pence
        assert abs(a.rounding) < SPLIT_LINES == 9
        # the year end's figures are kept as they are
        assert (a.contribution, a.spend, a.refund, a.carry_over, a.supplementary) == (
            x.contribution, x.spend, x.refund, x.carry_over, x.supplementary)
        if ye.deficit:
            assert a.uncommitted == -a.supplementary
    if sum(a.weight for a in accounts) > 0:
        assert sum(a.rounding for a in accounts) == 0
        for line in ("opening_balance", "opening_commitments", "external_funding", "income",
                     "admin_recharge", "spend", "commitments"):
            key = "commitments" if line == "commitments" else line
            assert sum(getattr(a, line) for a in accounts) == getattr(ye, key)
        assert sum(a.uncommitted for a in accounts) == ye.uncommitted


@given(b=books())
def test_json_statement_adds_up_for_random_books(b: Book) -> None:
    r = run_year(b, Y)
    nets = {n.party: n.amount for n in r.settlement.net_positions}
    from finance.core.statements import paid_for_partnership

    paid = paid_for_partnership(r)
    for line in result_json(r)["year_end"]["parties"]:
        _json_adds_up(line)
        p = {k: to_pence(v) for k, v in line.items() if k != "party"}
        assert p["net_cash"] == (p["refund"] - p["contribution"] - p["supplementary"]
                                 - paid.get(line["party"], 0) + nets.get(line["party"], 0))
    for s in statements(r):
        assert s.account.adds_up


def test_fund_account_is_immutable() -> None:
    import dataclasses

    import pytest

    a = FundAccount("A", 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.rounding = 5  # type: ignore[misc]


# --------------------------------------------------------------------------- JSON


def _json_adds_up(line: dict[str, Any]) -> None:
    p = {k: to_pence(v) for k, v in line.items() if k != "party"}
    assert (p["opening_balance"] + p["opening_commitments"] + p["contribution"]
            + p["external_funding"] + p["income"] - p["admin_recharge"] - p["spend"]
            - p["commitments"] + p["rounding"]) == p["uncommitted"]
    assert p["uncommitted"] == p["refund"] + p["carry_over"]


def test_json_statement_adds_up(mkip_result: Result) -> None:
    j = result_json(mkip_result)
    lines = j["year_end"]["parties"]
    assert list(lines[0])[:6] == ["party", "contribution", "spend", "refund", "carry_over",
                                  "supplementary"]  # the existing keys first, in order
    for line in lines:
        _json_adds_up(line)
    mbc = lines[0]
    assert (mbc["rounding"], mbc["uncommitted"], mbc["net_cash"]) == (
        "-0.01", "15734.78", "-3142363.77")
    nets = {n["party"]: to_pence(n["amount"]) for n in j["settlement"]["net_positions"]}
    from finance.core.statements import paid_for_partnership

    paid = paid_for_partnership(mkip_result)
    for line in lines:
        assert to_pence(line["net_cash"]) == (
            to_pence(line["refund"]) - to_pence(line["contribution"])
            - to_pence(line["supplementary"]) - paid.get(line["party"], 0)
            + nets[line["party"]])


def test_json_statement_adds_up_in_a_deficit(book_copy: BookCopy) -> None:
    from finance.book import require_book

    book_copy.edit("ledger", lambda rows: rows.append(
        {"date": "2026-03-01", "year": Y, "kind": "spend", "amount": "100000.01",
         "description": "overspend", "reference": ""}))
    j = result_json(run_year(require_book(book_copy.path)))
    assert j["year_end"]["deficit"] is True
    for line in j["year_end"]["parties"]:
        _json_adds_up(line)
        assert to_pence(line["uncommitted"]) == -to_pence(line["supplementary"])


# --------------------------------------------------------------------------- settlement


def test_the_settlement_is_made_up_on_the_statement(mkip_result: Result) -> None:
    """Every service and every business case set-up share that makes up a council's
    settlement is on its statement (§18.1(a), §18.1(b)): ``paid - share`` over them comes
    to its settlement net position.  MBC: services £5,538,500.00 paid (it hosts Audit, HR,
    ICT, Revenues and Benefits) less £3,051,812.91 shares, then DEBTREC's £40,000.00 it
    leads less its shares of CYBER, DEBTREC and PLANSYS £55,578.25: £2,471,108.84."""
    ss = {s.party: s for s in statements(mkip_result)}
    for s in ss.values():
        assert s.settlement_adds_up
        assert sum(c.settlement for c in s.services) + sum(
            b.settlement for b in s.setups) == s.settlement_net
    mbc = ss["MBC"]
    assert [(b.project, b.lead, b.cost, b.share, b.paid) for b in mbc.setups] == [
        ("CYBER", "TWBC", 4500000, 1725000, 0), ("DEBTREC", "MBC", 4000000, 1832825, 4000000),
        ("PLANSYS", "SBC", 6000000, 2000000, 0)]
    assert sum(c.paid for c in mbc.services) == 553850000
    assert mbc.setup_total == 5557825
    # the set-up shares the settlement holds and no service line explains
    assert {p: s.setup_total - sum(b.paid for b in s.setups) for p, s in ss.items()} == {
        "MBC": 1557825, "SBC": -1722725, "TWBC": 164900}


def test_net_cash_means_the_same_for_a_host(mkip_result: Result) -> None:
    """Net cash = refund - contribution - supplementary - paid as host or lead +
    settlement net position = refund - contribution - supplementary - own shares, for
    every council.  MBC hosts four services: £7,867.39 - £42,840.00 - £5,578,500.00 +
    £2,471,108.84 = -£3,142,363.77."""
    for s in statements(mkip_result):
        a = s.account
        assert s.net_cash == (a.refund - a.contribution - a.supplementary - s.paid
                              + s.settlement_net)
        assert s.net_cash == (a.refund - a.contribution - a.supplementary
                              - s.service_total - s.setup_total)
    mbc = _mbc(mkip_result)
    assert mbc.paid == 557850000
    assert mbc.net_cash == 786739 - 4284000 - 557850000 + 247110884 == -314236377
    lines = {x["party"]: x for x in result_json(mkip_result)["year_end"]["parties"]}
    assert lines["MBC"]["net_cash"] == "-3142363.77"
