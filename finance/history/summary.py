"""``mkip history`` for a person: each partnership's stored years and key figures."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from finance.core.money import json_gbp
from finance.history.store import StoredYear

#: The per-party figures shown for each year, and where they are in the stored result.
FIGURES = (("Contribution", "contribution"), ("Refund", "refund"),
           ("Carried over", "carry_over"), ("Supplementary", "supplementary"))


def party_figures(result: Mapping[str, Any]) -> dict[str, dict[str, str | None]]:
    """``{party: {figure: two-decimal pounds}}`` from a stored result: its year-end
    lines, and its net settlement position."""
    out: dict[str, dict[str, str | None]] = {}
    for line in result.get("year_end", {}).get("parties", []):
        out[line["party"]] = {key: line.get(key) for _label, key in FIGURES}
    for n in result.get("settlement", {}).get("net_positions", []):
        out.setdefault(n["party"], {})["net_position"] = n["amount"]
    return out


def print_history(years: Mapping[str, Sequence[StoredYear]],
                  console: Console | None = None) -> None:
    con = console or Console(width=None if sys.stdout.isatty() else 120)
    if not any(years.values()):  # a partnership with only members or scenarios has none
        con.print("The history holds no closed years yet.")
        return
    for name, ys in years.items():
        if not ys:
            continue
        t = Table(title=f"{name}: stored years", title_justify="left", title_style="bold")
        for h in ("Year", "Status", "Version", "Approved by", "Minute", "Board meeting",
                  "Closed at (UTC)", "Input SHA-256"):
            t.add_column(h)
        for y in ys:
            status = y.status if y.status == "closed" else f"reopened by {y.reopened_by}"
            met = "not recorded" if y.meeting_date is None else f"{y.meeting_date:%Y-%m-%d}"
            t.add_row(y.year, status, str(y.version), y.approved_by, y.minute or "-", met,
                      f"{y.closed_at:%Y-%m-%d %H:%M}", y.input_sha256[:12] + "…")
        con.print(t)
        t = Table(title=f"{name}: figures per party", title_justify="left",
                  title_style="bold")
        t.add_column("Year")
        t.add_column("Party")
        for label, _key in FIGURES:
            t.add_column(label, justify="right")
        t.add_column("Net settlement", justify="right")
        for y in ys:
            for party, f in sorted(party_figures(y.result).items()):
                t.add_row(y.year, party, *[json_gbp(f.get(k)) for _label, k in FIGURES],
                          json_gbp(f.get("net_position")))
        con.print(t)
