"""Start-up: a command that reads no database loads nothing of the history's database
layer (SQLAlchemy, Alembic), which would add a fifth of a second to every run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

# Runs ``mkip run --json`` on the bundled book in this process, then reports which of the
# history's libraries were imported, on stderr, after the JSON on stdout.
RUN_AND_REPORT = """
import json, sys
from finance.cli import main
sys.argv = ["mkip", "run", "--json"]
try:
    main()
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
loaded = sorted(m for m in sys.modules
                if m.split(".")[0] in ("sqlalchemy", "alembic", "psycopg")
                or m in ("finance.history.store", "finance.history.tables",
                         "finance.history.migrate"))
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def test_run_without_a_database_imports_no_sqlalchemy(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MKIP_DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    assert not (tmp_path / "mkip.db").exists()
    res = subprocess.run([sys.executable, "-c", RUN_AND_REPORT], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(res.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, res.stderr
    assert json.loads(res.stdout)["year"] == "2025-26"
    assert report["loaded"] == [], f"a run with no database imported {report['loaded']}"
    assert "sqlalchemy" not in report["loaded"]


def test_run_with_a_database_file_still_reads_the_history(tmp_path: Path) -> None:
    """The shortcut is only for a database that is not there: with ``mkip.db`` present
    in the folder the history is opened (and SQLAlchemy loaded) as before."""
    env = {k: v for k, v in os.environ.items() if k != "MKIP_DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    subprocess.run([sys.executable, "-m", "finance", "db", "upgrade", "--db",
                    "sqlite:///mkip.db"], cwd=tmp_path, env=env, capture_output=True,
                   timeout=120, check=True)
    assert (tmp_path / "mkip.db").exists()
    res = subprocess.run([sys.executable, "-c", RUN_AND_REPORT], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(res.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, res.stderr
    assert "sqlalchemy" in report["loaded"] and "finance.history.store" in report["loaded"]


def test_the_quick_look_for_a_sqlite_file_agrees_with_sqlalchemys_reading(
        tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from finance.history import db

    monkeypatch.chdir(tmp_path)
    (tmp_path / "there.db").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.db").write_bytes(b"")
    urls = ["sqlite:///there.db", "sqlite:///absent.db", "sqlite:///sub/x.db",
            f"sqlite:///{tmp_path / 'there.db'}", f"sqlite:///{tmp_path / 'absent.db'}",
            "sqlite:///:memory:", "sqlite://", "sqlite:///there.db?timeout=5"]
    for url in urls:
        path = db.sqlite_path(url)  # SQLAlchemy's reading of the URL
        assert db.exists(url) == (path is not None and path.exists()), url
    assert [db.exists(u) for u in urls[:5]] == [True, False, True, True, False]
