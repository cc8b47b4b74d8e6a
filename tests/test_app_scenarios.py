"""The app's Scenarios tab: a what-if built with the controls shows each council's change
at once, and the TOML it offers gives the same figures through ``mkip compare``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from finance.cli import app
from tests.conftest import MKIP, open_tab
from tests.test_app import assert_clean, start


def scenarios_tab(at: Any) -> Any:
    return open_tab(at, "Scenarios")


def add_leaver(at: Any) -> None:
    tab = scenarios_tab(at)
    tab.selectbox(key="what_if").set_value("leave").run()
    tab = scenarios_tab(at)
    tab.selectbox[1].set_value("SBC")
    tab.date_input[0].set_value(date(2025, 9, 30))
    next(b for b in tab.button if b.label == "Add scenario").click()
    at.run()
    assert_clean(at)


def test_an_empty_tab_says_what_to_do() -> None:
    at = start()
    assert "Add a scenario on the left" in " ".join(i.value for i in scenarios_tab(at).info)


def test_a_leaver_built_with_the_controls_shows_the_change_at_once(tmp_path: Path) -> None:
    at = start()
    add_leaver(at)
    tab = scenarios_tab(at)
    names = [m.value for m in tab.markdown if "leaves" in m.value]
    assert any("Swale Borough Council leaves on 30 September 2025" in n for n in names)
    df = next(d.value for d in [*tab.dataframe, *tab.table] if "Figure" in d.value.columns)
    change = "S1 change"
    assert "**S1** Swale Borough Council leaves on 30 September 2025" in " ".join(
        m.value for m in tab.markdown)
    sbc_services = df.loc[(df["Figure"] == "Services")].iloc[1]  # MBC, SBC, TWBC order
    assert sbc_services[change] == "(£1,005,139.27)"
    # the TOML offered runs again from the command line with the same figures
    toml = at.session_state["offered_scenarios"]["toml"]
    path = tmp_path / "s.toml"
    path.write_text(toml, encoding="utf-8")
    res = CliRunner().invoke(app, ["compare", str(MKIP), "--scenarios", str(path), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    sbc = next(p for p in doc["scenarios"][0]["parties"] if p["party"] == "SBC")
    assert sbc["services"]["change"] == "-1005139.27"
    assert doc["scenarios"][0]["changes"] == [{"table": "parties", "where": {"code": "SBC"},
                                               "set": {"notice_given": "2025-03-30",
                                                       "left": "2025-09-30"}}]


def test_a_scenario_is_removed_with_its_button() -> None:
    at = start()
    add_leaver(at)
    tab = scenarios_tab(at)
    next(b for b in tab.button if b.key and b.key.startswith("drop_scenario.")).click()
    at.run()
    assert "Add a scenario on the left" in " ".join(i.value for i in scenarios_tab(at).info)


def test_scenarios_are_saved_in_the_history_and_loaded_again(tmp_path: Path,
                                                              monkeypatch: Any) -> None:
    monkeypatch.setenv("MKIP_DATABASE_URL", f"sqlite:///{tmp_path / 'h.db'}")
    at = start()
    add_leaver(at)
    tab = scenarios_tab(at)
    save_as = next(t for t in tab.text_input if t.label == "Save as")
    save_as.input("Board options")
    at.run()
    next(b for b in scenarios_tab(at).button if b.key == "save_scenarios").click()
    at.run()
    assert "Saved as “Board options” for 2025-26." in " ".join(
        i.value for i in scenarios_tab(at).info)
    # a new session finds them and loads them
    at2 = start()
    tab = scenarios_tab(at2)
    tab.selectbox(key="saved_pick").set_value(0).run()
    next(b for b in scenarios_tab(at2).button if b.key == "load_saved").click()
    at2.run()
    names = " ".join(m.value for m in scenarios_tab(at2).markdown)
    assert "Swale Borough Council leaves on 30 September 2025" in names


def test_a_leaver_is_explained_service_by_service() -> None:
    """Swale leaving on 30 September 2025: each service shows its months (12 → 6) and
    its share before and after, and a line says how a leaver is weighed; Mid Kent Legal
    Services, on fixed shares, keeps its whole year."""
    at = start()
    add_leaver(at)
    tab = scenarios_tab(at)
    df = next(d.value for d in [*tab.dataframe, *tab.table]
              if "Share in the scenario" in d.value.columns)
    swale = df.loc[df["Council"] == "Swale Borough Council"]
    audit = swale.loc[swale["Service"] == "Mid Kent Audit (AUDIT)"].iloc[0]
    assert audit["Months"] == "12 → 6"
    assert "Mid Kent Legal Services (LEGAL)" not in set(swale["Service"])  # fixed: unchanged
    assert any("weighed by the months it takes part" in c.value for c in tab.caption)
