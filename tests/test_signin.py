"""Signing in to the served app through a real OpenID Connect provider, in a real browser.

``tests/oidc/provider.js`` (the npm package ``oidc-provider``, with its development
sign-in pages) runs on 127.0.0.1; ``scripts/serve`` serves the app on 127.0.0.2, a
"network" address, with ``[auth]`` pointing at the provider and a history database whose
members (``mkip users add``) hold each role.  Chromium signs in as a member, or as a
stranger, by typing an e-mail at the provider's login page, and sees what that role
allows.

Needs node and npm, the provider's packages (``npm install --prefix tests/oidc``) and
Debian's chromium.  Without them the tests are skipped, except under ``CI=true``, where
they fail: CI must run them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.servers import (
    NO_PROXY,
    add_members,
    auth_toml,
    oidc_missing,
    oidc_provider,
    serve_env,
    served_app,
    sign_in_settings,
)
from tests.test_browser import CHROMIUM, free_port, launched, main_tab

PARTNERSHIP = "Mid Kent Improvement Partnership"
MEMBERS = {"viewer@mbc.gov.uk": "viewer", "prep@mbc.gov.uk": "preparer",
           "s151@mbc.gov.uk": "approver", "admin@mbc.gov.uk": "admin"}
SIGN_IN = "Sign in with your council account to see the partnership's figures."
CLIENT_ID, CLIENT_SECRET = "mkip-test", "a-client-secret-for-tests-only"
WAIT_MS = 60_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def missing() -> str | None:
    """What this machine lacks to run these tests (None: nothing)."""
    reason = oidc_missing()
    if reason is not None:
        return reason
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    return None


def need_everything() -> None:
    reason = missing()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " — required under CI=true")
    pytest.skip(reason)


@dataclass(frozen=True)
class Site:
    app: str  # the app's URL, on 127.0.0.2
    issuer: str  # the provider's, on 127.0.0.1
    logs: tuple[Path, ...]

    def log_text(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')}" for p in self.logs)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The provider and the app, started for this module and stopped by process id."""
    need_everything()
    tmp = tmp_path_factory.mktemp("signin")
    provider_port, app_port = free_port(), free_port()
    app = f"http://127.0.0.2:{app_port}"
    auth = sign_in_settings(app, f"http://127.0.0.1:{provider_port}", CLIENT_ID,
                            CLIENT_SECRET)
    env = serve_env(tmp, auth_toml(auth), MKIP_ADDRESS="127.0.0.2", MKIP_PORT=str(app_port))
    env["NO_PROXY"] = env["no_proxy"] = NO_PROXY
    add_members(env, MEMBERS, PARTNERSHIP)
    with oidc_provider(tmp, provider_port, CLIENT_ID, CLIENT_SECRET,
                       auth["redirect_uri"]) as issuer, \
            served_app(tmp, env, app) as served:
        yield Site(app, issuer, (tmp / "provider.log", served.log))


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Any]:
    with launched() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page with no cookies: nobody is signed in, at the app or the provider."""
    context = browser.new_context(viewport={"width": 1440, "height": 1600})
    try:
        pg = context.new_page()
        pg.set_default_timeout(WAIT_MS)
        yield pg
    finally:
        context.close()


def visible(page: Any, text: str) -> Any:
    found = page.get_by_text(text, exact=False).first
    found.wait_for(state="visible")
    return found


def sign_in(page: Any, site: Site, email: str) -> None:
    """Open the app (it shows only the sign-in sentence and button), sign in at the
    provider's own pages as ``email`` and approve, and come back to the app."""
    page.goto(site.app)
    visible(page, SIGN_IN)
    button = page.get_by_role("button", name="Sign in")
    button.wait_for(state="visible")
    # Nothing of the partnership before sign-in: no tabs, no sidebar, no figures.
    assert page.get_by_role("tab").count() == 0
    assert page.locator('[data-testid="stSidebar"]').count() == 0
    assert "£" not in page.locator("body").inner_text()
    assert PARTNERSHIP not in page.locator("body").inner_text()

    button.click()
    page.wait_for_url(f"{site.issuer}/interaction/**")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill("any password at all")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(f"{site.issuer}/interaction/**")  # the consent page
    visible(page, "Authorize")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{site.app}/**")


def test_a_viewer_signs_in_and_sees_figures_but_cannot_upload_or_budget(
        site: Site, page: Any) -> None:
    sign_in(page, site, "Viewer@MBC.gov.uk")  # e-mails match whatever their case
    try:
        visible(page, "£112,770.00")
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("MKIP example (bundled)").first.wait_for(state="visible")
        assert sidebar.get_by_text("Upload a workbook").count() == 0
        assert page.get_by_role("radio", name="Upload a workbook (.xlsx)").count() == 0
        main_tab(page, "Budget").click()
        visible(page, "Your role (viewer) lets you see the figures")
        visible(page, "a preparer works out budgets")
        assert page.get_by_text("Rate needed").count() == 0
    except Exception:
        print(site.log_text())
        raise


def test_an_approver_signs_in_and_is_offered_the_close_panel(site: Site, page: Any) -> None:
    sign_in(page, site, "s151@mbc.gov.uk")
    try:
        visible(page, "£112,770.00")
        main_tab(page, "History").click()
        visible(page, "Close 2024-25 first")  # years close in order
    except Exception:
        print(site.log_text())
        raise


def test_a_signed_in_stranger_sees_only_that_they_are_not_a_member(
        site: Site, page: Any) -> None:
    sign_in(page, site, "someone@elsewhere.org")
    try:
        visible(page, "You are signed in as someone@elsewhere.org, but you are not a "
                      f"member of {PARTNERSHIP}")
        page.get_by_role("button", name="Sign out").wait_for(state="visible")
        assert page.get_by_role("tab").count() == 0
        assert "£" not in page.locator("body").inner_text()
    except Exception:
        print(site.log_text())
        raise
