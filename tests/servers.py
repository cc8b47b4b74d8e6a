"""Real servers on loopback, for the tests and the benchmarks: the app as ``scripts/serve``
serves it, nginx with ``deploy/nginx/mkip.conf`` in front of it over HTTPS (a self-signed
certificate for 127.0.0.1), and the test OpenID Connect provider (``tests/oidc``).

Each server is a context manager: it starts its program, waits until it answers, and
stops it by its process id when the block ends, whether the block failed or not.
Nothing here skips or fails a test: the tests decide that from :func:`program` and
:func:`oidc_missing`.  Used by ``tests/test_serving.py``, ``tests/test_signin.py`` and
``benchmarks/bench_sessions.py``.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.test_browser import stop, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "scripts" / "serve"
SITE = ROOT / "deploy" / "nginx" / "mkip.conf"
OIDC = ROOT / "tests" / "oidc"
PROVIDER = OIDC / "provider.js"
MKIP = ROOT / ".venv" / "bin" / "mkip"
#: What the provider prints once it accepts connections (then its issuer URL).
LISTENING = "oidc provider listening on "
#: Every loopback name, kept away from any proxy the environment names.
NO_PROXY = "127.0.0.1,127.0.0.2,localhost"


# --------------------------------------------------------------------------- settings


def serve_env(tmp_path: Path, secrets: str | None, **extra: str) -> dict[str, str]:
    """An environment for ``scripts/serve`` that sees only this run's secrets file (none
    when ``secrets`` is None) and history database (SQLite in ``tmp_path`` unless
    ``extra`` names another ``MKIP_DATABASE_URL``)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    file = tmp_path / "secrets.toml"
    if secrets is not None:
        file.write_text(secrets)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MKIP_", "STREAMLIT_"))}
    return {**env, "HOME": str(home), "STREAMLIT_SECRETS_FILES": str(file),
            "MKIP_DATABASE_URL": f"sqlite:///{tmp_path / 'mkip.db'}",
            "PYTHONUNBUFFERED": "1", **extra}


def auth_toml(auth: Mapping[str, str]) -> str:
    """Streamlit's ``[auth]`` secrets table holding ``auth``."""
    return "[auth]\n" + "".join(f'{k} = "{v}"\n' for k, v in auth.items())


def sign_in_settings(app: str, issuer: str, client_id: str, client_secret: str
                     ) -> dict[str, str]:
    """``[auth]`` for an app served at ``app`` signing in through the provider at
    ``issuer``."""
    return {"redirect_uri": f"{app}/oauth2callback",
            "cookie_secret": "a-long-random-cookie-secret-for-tests-only",
            "client_id": client_id, "client_secret": client_secret,
            "server_metadata_url": f"{issuer}/.well-known/openid-configuration"}


def add_members(env: Mapping[str, str], members: Mapping[str, str], partnership: str,
                timeout: float = 120) -> None:
    """Each e-mail of ``members`` made a member of ``partnership`` with its role
    (``mkip users add``) in the history database of ``env``."""
    for email, role in members.items():
        done = subprocess.run([str(MKIP), "users", "add", email, "--role", role,
                               "--partnership", partnership, "--by", "admin",
                               "--db", env["MKIP_DATABASE_URL"]],
                              env=dict(env), capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(f"mkip users add {email} failed:\n"
                                 f"{done.stdout}{done.stderr}")


# --------------------------------------------------------------------------- programs


def program(name: str) -> str | None:
    """Where ``name`` is installed (on the PATH or in /usr/sbin), or None."""
    found = shutil.which(name)
    if found:
        return found
    sbin = Path("/usr/sbin") / name
    return str(sbin) if sbin.exists() else None


def oidc_missing() -> str | None:
    """What this machine lacks to run the test provider (None: nothing)."""
    for name in ("node", "npm"):
        if shutil.which(name) is None:
            return f"{name} is missing: install Node.js (20 or later) and npm"
    if not (OIDC / "node_modules" / "oidc-provider").is_dir():
        return ("the test OpenID Connect provider's packages are missing: "
                "npm install --prefix tests/oidc")
    return None


def wait_listening(port: int, proc: subprocess.Popen[bytes], log: Path,
                   timeout: float = 30, name: str = "nginx") -> None:
    """Wait (at most ``timeout`` s) until something accepts connections on
    127.0.0.1:``port``; fail at once, with ``log``, if ``proc`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{name} exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{name} did not listen on {port} in {timeout}s:\n"
                         f"{log.read_text()}")


def wait_for_line(proc: subprocess.Popen[bytes], log: Path, line: str,
                  timeout: float = 30) -> None:
    """Wait (at most ``timeout`` s) until ``proc`` has written ``line`` to ``log``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if line in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            raise AssertionError(f"the provider exited with {proc.returncode}:\n"
                                 f"{log.read_text(errors='replace')}")
        time.sleep(0.1)
    raise AssertionError(f"the provider did not say {line!r} in {timeout}s:\n"
                         f"{log.read_text(errors='replace')}")


# --------------------------------------------------------------------------- the app


@dataclass(frozen=True)
class Served:
    """The app served: its URL, its log, and its process id (``scripts/serve`` ends by
    becoming Streamlit, so this is Streamlit's)."""

    url: str
    log: Path
    pid: int


@contextmanager
def served_app(folder: Path, env: Mapping[str, str], url: str,
               log_name: str = "streamlit.log") -> Iterator[Served]:
    """``scripts/serve`` run in ``folder`` with ``env`` until it is healthy at ``url``,
    stopped by its process id when the block ends."""
    log = folder / log_name
    with log.open("wb") as out:
        app = subprocess.Popen([str(SERVE)], cwd=folder, env=dict(env), stdout=out,
                               stderr=subprocess.STDOUT)
    try:
        wait_healthy(url, app, log)
        yield Served(url, log, app.pid)
    finally:
        stop(app)


# --------------------------------------------------------------------------- the provider


@contextmanager
def oidc_provider(folder: Path, port: int, client_id: str, client_secret: str,
                  redirect_uri: str) -> Iterator[str]:
    """``tests/oidc/provider.js`` on 127.0.0.1:``port`` with one client, its output in
    ``folder``/provider.log, stopped by its process id when the block ends: its issuer
    URL."""
    issuer = f"http://127.0.0.1:{port}"
    log = folder / "provider.log"
    with log.open("wb") as out:
        provider = subprocess.Popen(
            ["node", str(PROVIDER), str(port), client_id, client_secret, redirect_uri],
            cwd=OIDC, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_line(provider, log, LISTENING + issuer)
        yield issuer
    finally:
        stop(provider)


# --------------------------------------------------------------------------- nginx


def self_signed(folder: Path, openssl: str) -> tuple[Path, Path]:
    """A one-day self-signed certificate for 127.0.0.1 in ``folder``: (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def render_site(app: str, https_port: int, http_port: int, cert: Path, key: Path) -> str:
    """deploy/nginx/mkip.conf for this machine: its app, ports and certificate."""
    text = SITE.read_text()
    swaps = {
        "server 127.0.0.2:8501;": f"server {app};",
        "    listen 80;\n": f"    listen 127.0.0.1:{http_port};\n",
        "    listen [::]:80;\n": "",
        "    listen 443 ssl http2;\n": f"    listen 127.0.0.1:{https_port} ssl http2;\n",
        "    listen [::]:443 ssl http2;\n": "",
        "/etc/letsencrypt/live/mkip.example.gov.uk/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/mkip.example.gov.uk/privkey.pem": str(key),
        "server_name mkip.example.gov.uk;": "server_name 127.0.0.1;",
    }
    for old, new in swaps.items():
        assert old in text, f"{SITE} no longer has {old!r}: update tests/servers.py"
        text = text.replace(old, new)
    return text


@dataclass(frozen=True)
class Proxy:
    """nginx in front of the app: its HTTPS and HTTP ports on 127.0.0.1, and a TLS
    context that trusts its certificate."""

    https: int
    http: int
    tls: ssl.SSLContext

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https}"


def free_ports(n: int) -> list[int]:
    """``n`` different ports of 127.0.0.1 free a moment ago."""
    socks = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()


@contextmanager
def nginx_proxy(folder: Path, app: str, nginx: str, openssl: str,
                workers: str = "1", connections: int = 64) -> Iterator[Proxy]:
    """nginx with deploy/nginx/mkip.conf (a self-signed certificate, free ports of
    127.0.0.1) in front of the app at ``app`` (``host:port``), its files in ``folder``,
    stopped by its process id when the block ends.  ``workers`` and ``connections``:
    its ``worker_processes`` and ``worker_connections`` (Debian's own nginx.conf says
    ``auto`` and 768)."""
    cert, key = self_signed(folder, openssl)
    https_port, http_port = free_ports(2)
    (folder / "mkip.conf").write_text(render_site(app, https_port, http_port, cert, key))
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / d).mkdir(exist_ok=True)
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")  # its workers read this folder
        + f"worker_processes {workers};\nevents {{ worker_connections {connections}; }}\n"
        f"http {{\n    access_log {folder}/access.log;\n"
        f"    client_body_temp_path {folder}/body;\n    proxy_temp_path {folder}/proxy;\n"
        f"    fastcgi_temp_path {folder}/fastcgi;\n    uwsgi_temp_path {folder}/uwsgi;\n"
        f"    scgi_temp_path {folder}/scgi;\n    include {folder}/mkip.conf;\n}}\n")
    out_log = folder / "nginx.out"
    with out_log.open("wb") as out:
        web = subprocess.Popen(
            [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"),
             "-e", str(folder / "nginx-error.log"),
             "-g", f"daemon off; pid {folder}/nginx.pid;"],
            stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_listening(https_port, web, out_log)
        wait_listening(http_port, web, out_log)
        yield Proxy(https_port, http_port, ssl.create_default_context(cafile=str(cert)))
    finally:
        stop(web)
