"""Every public record of the calculation core and of the app's data says what each of
its fields holds.

A record is a public class of a module of :mod:`finance.core` or :mod:`finance.appdata`
that is a dataclass or a named
tuple.  Its docstring must have a ``Fields:`` line and, after it, one line
``NAME: what it holds, and its unit`` per field, indented, as
:class:`finance.core.entries.LedgerEntry` does.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
from types import ModuleType

import pytest

import finance.appdata
import finance.core


def _modules() -> list[ModuleType]:
    """The core's modules and the app's data modules (whose records the app and its
    tests read)."""
    return [importlib.import_module(f"{pkg.__name__}.{m.name}")
            for pkg in (finance.core, finance.appdata)
            for m in pkgutil.iter_modules(pkg.__path__)]


def record_fields(cls: type) -> tuple[str, ...] | None:
    """The fields of a record class in declaration order, ``None`` for any other class."""
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return tuple(cls._fields)
    return None


def _records() -> list[type]:
    """Every public record class defined in the core, by module and name."""
    out = []
    for module in _modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (cls.__module__ == module.__name__ and not name.startswith("_")
                    and record_fields(cls)):
                out.append(cls)
    return sorted(out, key=lambda c: (c.__module__, c.__qualname__))


RECORDS = _records()


def described(cls: type) -> list[str] | None:
    """The names the ``Fields:`` section of ``cls``'s docstring describes, in order: the
    block of indented lines after the ``Fields:`` line, one ``NAME: text`` a field, wrapped
    lines indented further; ``None`` when there is no ``Fields:`` line."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    _, sep, section = doc.partition("\nFields:\n")
    if not sep:
        return None
    block = []
    for line in section.splitlines():
        if not line[:1].isspace():  # a blank or unindented line ends the section
            break
        block.append(line)
    entry = re.compile(r"^([ \t]+)(\w+): \S")
    first = entry.match(block[0]) if block else None
    if first is None:
        return []
    indent = first.group(1)
    return [m.group(2) for line in block
            if (m := entry.match(line)) is not None and m.group(1) == indent]


def undocumented(cls: type) -> list[str]:
    """The fields of ``cls`` its docstring does not describe (all of them, with the
    ``Fields:`` line, when it has none)."""
    fields = record_fields(cls) or ()
    names = described(cls)
    if names is None:
        return ["Fields:", *fields]
    return [f for f in fields if f not in names]


def test_the_records_are_found() -> None:
    names = {f"{c.__module__.rsplit('.', 1)[1]}.{c.__name__}" for c in RECORDS}
    assert {"model.Book", "model.ServiceParty", "entries.LedgerEntry", "apportion.Share",
            "apportion_fast.ShareColumns", "services.ServiceLine", "settlement.Payment",
            "run.Result", "parse.RawTable", "problems.Problem"} <= names
    assert not any(c.__name__.startswith("_") for c in RECORDS)
    assert len(names) == len(RECORDS) >= 50  # each once, though model re-exports some


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_field_of_a_record_is_documented(cls: type) -> None:
    missing = undocumented(cls)
    assert not missing, (
        f"{cls.__module__}.{cls.__qualname__}: the docstring's Fields: section does not "
        f"describe {', '.join(missing)}")
    fields = record_fields(cls)
    assert described(cls) == list(fields or ()), (
        f"{cls.__module__}.{cls.__qualname__}: the Fields: section should describe "
        f"{', '.join(fields or ())}, once each, in that order")


def test_an_undocumented_field_is_caught() -> None:
    @dataclasses.dataclass
    class Half:
        """A record with one field described.

        Fields:
            amount: pence.
        """

        amount: int
        year: str

    class Bare(tuple):
        _fields = ("a",)

    class Later(tuple):
        """A record that names its field only below its Fields: section.

        Fields:
            b: a party code.

        a: pence.
        """

        _fields = ("b", "a")

    assert undocumented(Half) == ["year"]
    assert undocumented(Bare) == ["Fields:", "a"]
    assert undocumented(Later) == ["a"]
