"""Officers by rotation and board quorum (§10.1, §10.3, §12.1, §13.3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance.core.governance import officers, quorum
from finance.core.model import Settings
from finance.core.years import YearError, year_label

MKIP = Settings("Mid Kent Improvement Partnership", "MBC",
                rotation=("TWBC", "MBC", "SBC"), rotation_start="2008-09")
VOTING = ["MBC", "SBC", "TWBC"]


@pytest.mark.parametrize(
    ("year", "chair", "vice"),
    [
        ("2008-09", "TWBC", "MBC"),  # §10.1 first row: Tunbridge Wells / Maidstone
        ("2009-10", "MBC", "SBC"),  # Maidstone / Swale
        ("2010-11", "SBC", "TWBC"),  # Swale / Tunbridge Wells
        ("2011-12", "TWBC", "MBC"),  # and round again
        ("2025-26", "SBC", "TWBC"),  # (2025 - 2008) mod 3 = 2
        ("2026-27", "TWBC", "MBC"),
        ("2007-08", "SBC", "TWBC"),  # before the rotation started: runs backwards
        ("2006-07", "MBC", "SBC"),
    ],
)
def test_mkip_rotation(year, chair, vice):
    g = officers(MKIP, year)
    assert (g.chair, g.vice_chair) == (chair, vice)
    assert g.host == chair  # §12.1
    assert g.accountable_body == "MBC"  # §13.3
    assert g.year == year


@given(st.integers(1990, 2100))
def test_vice_chair_is_next_years_chair(start):
    year = year_label(start)
    assert officers(MKIP, year).vice_chair == officers(MKIP, year_label(start + 1)).chair


def test_json_shape():
    assert officers(MKIP, "2009-10").as_json() == {
        "chair": "MBC", "vice_chair": "SBC", "host": "MBC", "accountable_body": "MBC"}


def test_no_rotation_or_no_start():
    for s in (Settings("P", "MBC"), Settings("P", "MBC", rotation=("A", "B"))):
        g = officers(s, "2025-26")
        assert (g.chair, g.vice_chair, g.host, g.accountable_body) == (None, None, None, "MBC")


def test_single_party_rotation():
    g = officers(Settings("P", "A", rotation=("A",), rotation_start="2020-21"), "2025-26")
    assert (g.chair, g.vice_chair, g.host) == ("A", "A", "A")


def test_bad_year():
    with pytest.raises(YearError):
        officers(MKIP, "2025-27")


# ----------------------------------------------------------------- quorum (§10.3)

FIVE = [("Ann", "MBC"), ("Bob", "MBC"), ("Cy", "SBC"), ("Di", "SBC"), ("Ed", "TWBC")]


def test_five_with_every_party_is_quorate():
    r = quorum(FIVE, VOTING)
    assert r.quorate
    assert (r.present, r.minimum, r.parties_present, r.missing_parties) == (
        5, 5, ("MBC", "SBC", "TWBC"), ())
    assert r.reason.startswith("Quorate: 5 members present")


def test_four_present_is_not_quorate():
    r = quorum(FIVE[1:], VOTING)
    assert not r.quorate and r.present == 4 and r.missing_parties == ()
    assert r.reason == "Not quorate: only 4 members present (at least 5 needed)."


def test_five_but_one_party_absent_is_not_quorate():
    r = quorum([("Ann", "MBC"), ("Bob", "MBC"), ("Cy", "SBC"), ("Di", "SBC"), ("Fay", "SBC")],
               VOTING)
    assert not r.quorate and r.present == 5
    assert r.missing_parties == ("TWBC",)
    assert r.reason == ("Not quorate: no one present from TWBC (§10.3 needs at least one from "
                        "each party).")


def test_both_failures_are_explained():
    r = quorum([("Ann", "MBC")], VOTING)
    assert r.missing_parties == ("SBC", "TWBC")
    assert r.reason == ("Not quorate: only 1 member present (at least 5 needed) and no one "
                        "present from SBC and TWBC (§10.3 needs at least one from each party).")


def test_non_voting_representative_does_not_count():
    r = quorum([*FIVE[1:], ("Kay", "KCC")], VOTING)
    assert not r.quorate and r.present == 4
    assert r.not_counted == ("Kay",)


def test_same_person_listed_twice_counts_once():
    r = quorum([*FIVE[1:], ("  bob ", "MBC")], VOTING)
    assert not r.quorate and r.present == 4


def test_empty_meeting_and_larger_minimum():
    r = quorum([], VOTING)
    assert not r.quorate and r.present == 0 and r.missing_parties == tuple(VOTING)
    six = [*FIVE, ("Gus", "TWBC")]
    assert quorum(six, VOTING, minimum=6).quorate
    assert not quorum(FIVE, VOTING, minimum=6).quorate


@given(st.lists(st.tuples(st.sampled_from(["Ann", "Bob", "Cy", "Di", "Ed", "Fay", "Gus"]),
                          st.sampled_from(["MBC", "SBC", "TWBC", "KCC"])), max_size=12))
def test_quorum_rule_property(attendees):
    r = quorum(attendees, VOTING)
    members = {(n, p) for n, p in attendees if p != "KCC"}
    parties = {p for _, p in members}
    assert r.present == len(members)
    assert r.quorate == (len(members) >= 5 and parties == set(VOTING))
    assert set(r.missing_parties) == set(VOTING) - parties
    assert r.as_json()["quorate"] is r.quorate
