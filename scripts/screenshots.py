"""Refresh the README's pictures: the app at 1280 px, and a council's statement page.

    .venv/bin/python scripts/screenshots.py

Needs Debian's chromium (and poppler-utils for the statement); serves the app on
127.0.0.1 only, and stops it by its process id when done.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_browser import launched, serve_app, wait_drawn  # noqa: E402

IMG = ROOT / "docs" / "img"


def app_picture(out: Path) -> None:
    with (tempfile.TemporaryDirectory() as tmp,
          serve_app(Path(tmp) / "streamlit.log") as url, launched() as browser):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(60_000)
        page.goto(url)
        for text in ("Contribution per party", "Total contributions", "Board report"):
            page.get_by_text(text).first.wait_for(state="visible")
        wait_drawn(page)  # every table and chart drawn, the same for three frames
        page.screenshot(path=str(out))


def statement_picture(out: Path) -> None:
    """Maidstone's statement for the bundled year, page 1 as PNG (pdftoppm)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "finance", "statements", "--out", tmp],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        [pdf] = sorted(Path(tmp).glob("*-MBC.pdf"))
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", str(pdf),
                        str(out.with_suffix(""))], check=True)


def main() -> int:
    IMG.mkdir(parents=True, exist_ok=True)
    app_picture(IMG / "app.png")
    statement_picture(IMG / "statement-mbc.png")
    print("wrote", IMG / "app.png", IMG / "statement-mbc.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
