"""The mutation-testing set-up (scripts/mutation, pyproject's [tool.mutmut]) still names
modules and tests that exist: a renamed file would otherwise be silently left out."""

from __future__ import annotations

import os
import tomllib

from tests.conftest import ROOT


def test_the_mutation_config_names_files_that_exist() -> None:
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    named = cfg["only_mutate"] + cfg["pytest_add_cli_args_test_selection"] + cfg["also_copy"]
    assert [p for p in named if not (ROOT / p).exists()] == []
    assert {p.rsplit("/", 1)[1] for p in cfg["only_mutate"]} == {
        "apportion.py", "services.py", "settlement.py", "rebase.py", "contributions.py",
        "yearend.py"}
    assert os.access(ROOT / "scripts" / "mutation", os.X_OK)


def test_the_mutation_run_leaves_out_slow_browser_and_libreoffice_tests() -> None:
    """Each mutant re-runs the selected tests: those that start a browser or LibreOffice
    (seconds each, and nothing they check is in the six modules' own results) stay out."""
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    args = cfg["pytest_add_cli_args"]
    assert args[args.index("-m") + 1] == "not slow and not browser and not libreoffice"
    assert "tests/test_core_edges.py" in cfg["pytest_add_cli_args_test_selection"]
