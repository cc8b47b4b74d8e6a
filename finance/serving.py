"""Whether the web app may be served as configured: the rule ``scripts/serve`` applies
before it starts Streamlit.

The server is configured by the environment (``MKIP_ADDRESS``, ``MKIP_PORT``,
``MKIP_DATABASE_URL``, ...) and by Streamlit's secrets, whose ``[auth]`` table holds the
sign-in provider's settings as ``st.login`` reads them.  An app that listens on any
address but this machine's own (``127.0.0.1``, ``localhost``, ``::1``) serves a network,
and a network app needs sign-in: without it nobody could be told apart, so it refuses to
start.

``python -m finance.serving`` prints the problem, if any, in one sentence and exits 2;
else it exits 0 silently.  Nothing here prints the values of settings, only their names.
"""

from __future__ import annotations

import os
import shlex
import sys
import tomllib
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

#: Where the app listens unless ``MKIP_ADDRESS`` says otherwise: every interface.
DEFAULT_ADDRESS = "0.0.0.0"
DEFAULT_PORT = "8501"
#: The addresses only this machine reaches (as the app's close/reopen gate has them).
LOCAL_ADDRESSES = frozenset({"127.0.0.1", "localhost", "::1"})
#: The ``[auth]`` keys ``st.login()`` (the default provider) needs, in the order named.
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret",
             "server_metadata_url")
#: The oldest Authlib Streamlit's sign-in accepts.
AUTHLIB_MIN = (1, 3, 2)


def address(environ: Mapping[str, str]) -> str:
    """The address the app listens on: ``MKIP_ADDRESS``, else every interface.

    >>> address({}), address({"MKIP_ADDRESS": " 127.0.0.1 "})
    ('0.0.0.0', '127.0.0.1')
    """
    return environ.get("MKIP_ADDRESS", "").strip() or DEFAULT_ADDRESS


def networked(addr: str) -> bool:
    """Whether an app listening on ``addr`` serves more than this machine's own user.

    >>> networked("0.0.0.0"), networked("127.0.0.2"), networked("localhost")
    (True, True, False)
    """
    return addr.strip().lower().strip("[]") not in LOCAL_ADDRESSES


def missing_auth(secrets: Mapping[str, Any]) -> list[str]:
    """The ``[auth]`` keys ``st.login()`` needs that the secrets leave out or empty.

    >>> missing_auth({"auth": {"redirect_uri": "https://x/oauth2callback",
    ...                        "cookie_secret": "s", "client_id": "c"}})
    ['client_secret', 'server_metadata_url']
    """
    auth = secrets.get("auth")
    if not isinstance(auth, Mapping):
        return list(AUTH_KEYS)
    return [k for k in AUTH_KEYS if not str(auth.get(k) or "").strip()]


def problem(environ: Mapping[str, str], secrets: Mapping[str, Any],
            authlib: bool = True) -> str | None:
    """Why the app must not start as configured, in one sentence; None when it may.

    ``environ`` is the server's environment, ``secrets`` Streamlit's secrets as read,
    ``authlib`` whether the library Streamlit signs people in with is installed.

    >>> problem({"MKIP_ADDRESS": "127.0.0.1"}, {}) is None
    True
    >>> print(problem({}, {}))  # doctest: +ELLIPSIS
    The app would serve a network (address 0.0.0.0) without sign-in: set redirect_uri, ...
    """
    addr = address(environ)
    port = environ.get("MKIP_PORT", "").strip() or DEFAULT_PORT
    if not port.isdigit() or not 0 < int(port) < 65536:
        return "MKIP_PORT must be a port number from 1 to 65535."
    if not networked(addr):
        return None
    missing = missing_auth(secrets)
    if missing:
        keys = ", ".join(missing)
        return (f"The app would serve a network (address {addr}) without sign-in: set "
                f"{keys} in the [auth] table of Streamlit's secrets (.streamlit/secrets.toml "
                "or the file STREAMLIT_SECRETS_FILES names), or set MKIP_ADDRESS=127.0.0.1 "
                "to serve this machine only.")
    if not authlib:
        return ("Sign-in is configured but Authlib, which Streamlit signs people in with, "
                "is not installed: run .venv/bin/pip install 'Authlib>=1.3.2'.")
    return None


def secrets_files(environ: Mapping[str, str], cwd: Path, home: Path) -> list[Path]:
    """The secrets files Streamlit reads, in order (later ones win): those
    ``STREAMLIT_SECRETS_FILES`` names (separated by spaces), else the user's and the
    working folder's ``.streamlit/secrets.toml``.

    >>> secrets_files({"STREAMLIT_SECRETS_FILES": "/etc/mkip/secrets.toml"}, Path("/r"),
    ...               Path("/h"))
    [PosixPath('/etc/mkip/secrets.toml')]
    >>> secrets_files({}, Path("/r"), Path("/h"))
    [PosixPath('/h/.streamlit/secrets.toml'), PosixPath('/r/.streamlit/secrets.toml')]
    """
    named = environ.get("STREAMLIT_SECRETS_FILES", "").strip()
    if named:
        return [Path(p) for p in shlex.split(named)]
    return [home / ".streamlit" / "secrets.toml", cwd / ".streamlit" / "secrets.toml"]


def read_secrets(files: Sequence[Path]) -> dict[str, Any]:
    """The secrets of these TOML files, later files overriding earlier ones key by key
    at the top level (as Streamlit merges them); a missing file counts as empty.

    Raises ValueError naming the file (never its values) when one is not valid TOML.
    """
    merged: dict[str, Any] = {}
    for f in files:
        if not f.is_file():
            continue
        try:
            merged.update(tomllib.loads(f.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(f"{f} is not valid TOML ({exc}).") from exc
    return merged


def authlib_installed() -> bool:
    """Whether Authlib, at least the version Streamlit's sign-in needs, is installed."""
    try:
        version = metadata.version("Authlib")
    except metadata.PackageNotFoundError:
        return False
    parts = []
    for p in version.split(".")[:3]:
        digits = "".join(c for c in p if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts) >= AUTHLIB_MIN


def main(argv: Sequence[str] | None = None) -> int:
    """Check the server's configuration: 0 when the app may start, else 2 with the
    problem on standard error."""
    del argv
    env = os.environ
    try:
        secrets = read_secrets(secrets_files(env, Path.cwd(), Path.home()))
    except (OSError, ValueError) as exc:
        print(f"Streamlit's secrets cannot be read: {exc}", file=sys.stderr)
        return 2
    found = problem(env, secrets, authlib_installed()
                    if networked(address(env)) else True)
    if found:
        print(found, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
