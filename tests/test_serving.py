"""Serving the web app for a network: the refuse-to-start rule (``finance.serving``),
``scripts/serve`` refusing a network address without sign-in, and the app served through
nginx with ``deploy/nginx/mkip.conf`` (HTTPS, the WebSocket upgrade, the upload limit,
the security headers, and Streamlit's page working under the Content-Security-Policy).

The nginx tests need Debian's nginx and openssl (``apt-get install nginx``).  Without
them they are skipped, except under ``CI=true``, where they fail: CI must run them.
Everything runs on loopback: the app on 127.0.0.1 (or 127.0.0.2, a "network" address,
when sign-in can be set up), nginx on free ports of 127.0.0.1.
"""

from __future__ import annotations

import base64
import hashlib
import os
import select
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from finance import serving
from tests.servers import (
    ROOT,
    SERVE,
    Proxy,
    auth_toml,
    nginx_proxy,
    program,
    serve_env,
    served_app,
)
from tests.test_browser import free_port, launched, need_chromium

AUTH = {"redirect_uri": "https://mkip.example.gov.uk/oauth2callback",
        "cookie_secret": "a-long-random-cookie-secret-for-tests-only",
        "client_id": "mkip", "client_secret": "not-a-secret",
        "server_metadata_url": "https://login.example.gov.uk/.well-known/openid-configuration"}
AUTH_TOML = auth_toml(AUTH)
MB = 1024 * 1024


# --------------------------------------------------------------------------- the rule


def test_loopback_needs_no_sign_in() -> None:
    for addr in ("127.0.0.1", "localhost", "::1", "[::1]"):
        assert serving.problem({"MKIP_ADDRESS": addr}, {}) is None


def test_network_without_sign_in_refuses_naming_what_to_set() -> None:
    for addr in ("0.0.0.0", "127.0.0.2", "10.1.2.3", "::"):
        found = serving.problem({"MKIP_ADDRESS": addr}, {})
        assert found is not None
        assert f"address {addr}" in found and "[auth]" in found
        assert all(k in found for k in serving.AUTH_KEYS)
        assert found.count(". ") == 0 and found.endswith(".")  # one sentence
    # The default address is every interface: a network.
    assert serving.problem({}, {}) is not None


def test_network_with_part_of_sign_in_names_only_what_is_missing() -> None:
    partial = {k: v for k, v in AUTH.items() if k not in ("client_secret", "cookie_secret")}
    partial["client_id"] = "  "  # blank counts as missing
    found = serving.problem({"MKIP_ADDRESS": "0.0.0.0"}, {"auth": partial})
    assert found is not None
    assert "cookie_secret, client_id, client_secret in the [auth] table" in found
    assert "redirect_uri" not in found and "server_metadata_url" not in found
    # an [auth] that is not a table at all
    assert serving.missing_auth({"auth": "yes"}) == list(serving.AUTH_KEYS)


def test_network_with_sign_in_starts_and_needs_authlib() -> None:
    env = {"MKIP_ADDRESS": "0.0.0.0", "MKIP_PORT": "8501"}
    assert serving.problem(env, {"auth": AUTH}) is None
    found = serving.problem(env, {"auth": AUTH}, authlib=False)
    assert found is not None and "Authlib" in found
    # Authlib only matters when sign-in is needed
    assert serving.problem({"MKIP_ADDRESS": "127.0.0.1"}, {}, authlib=False) is None


def test_the_problem_never_shows_a_setting_s_value() -> None:
    secret = {"auth": {**AUTH, "client_secret": "", "cookie_secret": "S3CRET"}}
    found = serving.problem({"MKIP_ADDRESS": "0.0.0.0",
                             "MKIP_DATABASE_URL": "postgresql://u:pw@db/mkip"}, secret)
    assert found is not None
    assert "S3CRET" not in found and "pw@db" not in found and "not-a-secret" not in found


def test_bad_port_refuses() -> None:
    for port in ("x", "0", "70000", "-1"):
        assert serving.problem({"MKIP_ADDRESS": "127.0.0.1", "MKIP_PORT": port}, {}) == (
            "MKIP_PORT must be a port number from 1 to 65535.")
    assert serving.problem({"MKIP_ADDRESS": "127.0.0.1", "MKIP_PORT": "8502"}, {}) is None


def test_secrets_are_read_as_streamlit_reads_them(tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    for d in (home, work):
        (d / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text('approvers = "a@x"\n[auth]\nx = 1\n')
    (work / ".streamlit" / "secrets.toml").write_text(AUTH_TOML)
    files = serving.secrets_files({}, work, home)
    merged = serving.read_secrets(files)
    assert merged["auth"] == AUTH and merged["approvers"] == "a@x"  # the later file wins
    named = tmp_path / "etc secrets.toml"
    named.write_text('[auth]\nclient_id = "c"\n')
    env = {"STREAMLIT_SECRETS_FILES": f"'{named}'"}
    assert serving.read_secrets(serving.secrets_files(env, work, home)) == {
        "auth": {"client_id": "c"}}
    assert serving.read_secrets([tmp_path / "missing.toml"]) == {}
    bad = tmp_path / "bad.toml"
    bad.write_text('[auth]\nclient_secret = "hush\n')
    with pytest.raises(ValueError, match=r"bad\.toml is not valid TOML") as caught:
        serving.read_secrets([bad])
    assert "hush" not in str(caught.value)


# --------------------------------------------------------------------------- the script


def test_serve_on_a_network_address_without_sign_in_exits_2(tmp_path: Path) -> None:
    env = serve_env(tmp_path, None, MKIP_ADDRESS="127.0.0.2", MKIP_PORT=str(free_port()))
    done = subprocess.run([str(SERVE)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.strip() == serving.problem({"MKIP_ADDRESS": "127.0.0.2"}, {})
    assert "sqlite" not in done.stderr and str(tmp_path) not in done.stderr


def test_serving_check_with_sign_in(tmp_path: Path) -> None:
    """With ``[auth]`` filled in, the check passes, or names Authlib if it is missing."""
    env = serve_env(tmp_path, AUTH_TOML, MKIP_ADDRESS="127.0.0.2")
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "finance.serving"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    if serving.authlib_installed():
        assert (done.returncode, done.stderr) == (0, "")
    else:
        assert done.returncode == 2 and "Authlib" in done.stderr


# --------------------------------------------------------------------------- nginx


def need(name: str) -> str:
    found = program(name)
    if found:
        return found
    reason = f"{name} is missing: install Debian's {name} (apt-get install {name})"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " — required under CI=true")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    """The app as deployed, scripts/serve with sign-in configured, on a "network" address
    when Streamlit can sign people in here, else on this machine's own; nginx in front."""
    nginx, openssl = need("nginx"), need("openssl")
    tmp = tmp_path_factory.mktemp("serving")
    host = "127.0.0.2" if serving.authlib_installed() else "127.0.0.1"
    app_port = free_port()
    env = serve_env(tmp, AUTH_TOML, MKIP_ADDRESS=host, MKIP_PORT=str(app_port))
    with served_app(tmp, env, f"http://{host}:{app_port}"), \
            nginx_proxy(tmp, f"{host}:{app_port}", nginx, openssl) as p:
        yield p


def raw_request(p: Proxy, head: str, body_size: int = 0) -> bytes:
    """Send a request over TLS as written (then ``body_size`` bytes of body, as long as
    nginx reads them) and return what comes back before nginx closes or 10 s pass."""
    with socket.create_connection(("127.0.0.1", p.https), timeout=10) as raw, \
            p.tls.wrap_socket(raw, server_hostname="127.0.0.1") as s:
        s.sendall(head.encode())
        chunk, sent = b"\0" * MB, 0
        try:
            while sent < body_size:
                if select.select([s], [], [], 0)[0]:  # nginx answered early
                    break
                n = min(len(chunk), body_size - sent)
                s.sendall(chunk[:n])
                sent += n
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # nginx refused the rest: its answer is waiting
        got = b""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                part = s.recv(65536)
            except (TimeoutError, ConnectionResetError, ssl.SSLError):
                break
            if not part:
                break
            got += part
            if b"HTTP/1.1 101" in got and b"\r\n\r\n" in got:
                break  # a WebSocket: it stays open
        return got


@pytest.mark.slow
def test_app_page_over_https_with_security_headers(proxy: Proxy) -> None:
    with urllib.request.urlopen(proxy.url + "/", context=proxy.tls, timeout=30) as r:
        page = r.read().decode()
        headers = r.headers
    assert r.status == 200
    assert '<div id="root">' in page and "<title>Streamlit</title>" in page
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp
    assert "'unsafe-eval'" not in csp
    assert "Server" not in headers or "nginx/" not in headers["Server"]  # no version
    with urllib.request.urlopen(proxy.url + "/_stcore/health", context=proxy.tls,
                                timeout=30) as r:
        assert r.read().strip() == b"ok"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.mark.slow
def test_plain_http_redirects_to_https(proxy: Proxy) -> None:
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as caught:
        opener.open(f"http://127.0.0.1:{proxy.http}/some/page?x=1", timeout=30)
    assert caught.value.code == 301
    assert caught.value.headers["Location"] == "https://127.0.0.1/some/page?x=1"


@pytest.mark.slow
def test_websocket_upgrade_reaches_streamlit(proxy: Proxy) -> None:
    key = base64.b64encode(os.urandom(16)).decode()
    got = raw_request(proxy, (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{proxy.https}\r\n"
        f"Origin: https://127.0.0.1:{proxy.https}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n\r\n"))
    status, _, rest = got.partition(b"\r\n")
    assert status.startswith(b"HTTP/1.1 101"), got[:500]
    accept = base64.b64encode(hashlib.sha1(
        (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
    headers = dict(line.split(b": ", 1) for line in rest.split(b"\r\n\r\n")[0].split(b"\r\n"))
    assert {k.lower(): v for k, v in headers.items()}[b"sec-websocket-accept"] == accept


@pytest.mark.slow
def test_upload_over_the_limit_is_refused_with_413(proxy: Proxy) -> None:
    size = 60 * MB
    got = raw_request(proxy, (
        "POST /_stcore/upload_file/session/file HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{proxy.https}\r\n"
        "Content-Type: application/octet-stream\r\n"
        f"Content-Length: {size}\r\n\r\n"), body_size=size)
    assert got.startswith(b"HTTP/1.1 413"), got[:500]
    assert b"up to 50 MB" in got
    assert b"Strict-Transport-Security" in got


@pytest.mark.slow
def test_upload_at_the_app_s_limit_passes_nginx(proxy: Proxy) -> None:
    """A 50 MB workbook (with its form) is not nginx's to refuse: the app answers."""
    size = 50 * MB + 64 * 1024
    got = raw_request(proxy, (
        "PUT /_stcore/upload_file/session/file HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{proxy.https}\r\n"
        "Content-Type: application/octet-stream\r\n"
        f"Content-Length: {size}\r\nConnection: close\r\n\r\n"), body_size=size)
    assert got.startswith(b"HTTP/1.1 "), got[:500]
    assert not got.startswith(b"HTTP/1.1 413"), got[:500]


@pytest.mark.slow
@pytest.mark.browser
def test_streamlit_works_under_the_content_security_policy(proxy: Proxy) -> None:
    """Chromium through nginx: the app draws (served on a network, the sign-in page:
    nothing of the partnership shows before sign-in) and the browser reports nothing
    the Content-Security-Policy blocked."""
    need_chromium()
    blocked: list[str] = []
    with launched() as browser:
        context = browser.new_context(ignore_https_errors=True,
                                      viewport={"width": 1440, "height": 1800})
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.on("console", lambda m: blocked.append(m.text)
                if "Content Security Policy" in m.text else None)
        page.goto(proxy.url)
        page.get_by_text("Sign in with your council account").first.wait_for(
            state="visible")
        page.get_by_role("button", name="Sign in").first.wait_for(state="visible")
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
        assert page.get_by_text("Total contributions").count() == 0
    assert blocked == []
