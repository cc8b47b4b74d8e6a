"""Command line: ``mkip run``, ``mkip validate``, ``mkip statements``, ``mkip template``.

Exit codes: 0 success, 2 bad input (nothing written for that book), 1 anything else.
Heavy libraries (pandas, openpyxl, numpy-financial) are imported only when a command runs,
so ``mkip --help`` stays quick.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Partnership finance year end: contributions, refunds, shared-service splits, "
    "settlement, investment scores and monitoring (MKIP model).",
)

EXIT_OK, EXIT_ERROR, EXIT_INVALID = 0, 1, 2


def _err(text: str) -> None:
    typer.echo(text, err=True)


def is_book_folder(path: Path) -> bool:
    return path.is_dir() and any(p.suffix.lower() == ".csv" for p in path.iterdir())


@app.command()
def run(
    book: Annotated[Path | None, typer.Argument(
        help="A book (.xlsx workbook or folder of CSV files) or a folder of books. "
        "Default: the bundled MKIP example.")] = None,
    year: Annotated[str | None, typer.Option(
        help="Financial year like 2025-26 (default: the latest year in the book).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the JSON result and board report.")]
    = Path("reports"),
    json_out: Annotated[bool, typer.Option(
        "--json", help="Print the JSON result to stdout instead of writing files.")] = False,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes for a folder of books (default: number of cores).")] = None,
    report: Annotated[bool, typer.Option(help="Also write the Excel board report.")] = True,
) -> None:
    """Run the year end on a book and write its JSON result and board report."""
    from finance.book import bundled_book_path

    path = book if book is not None else bundled_book_path()
    if not path.exists():
        _err(f"{path}: does not exist")
        raise typer.Exit(EXIT_INVALID)
    if path.is_dir() and not is_book_folder(path):
        from finance.batch import run_batch

        raise typer.Exit(run_batch(path, out, year=year, workers=workers, with_report=report))
    raise typer.Exit(_run_one(path, year, out, json_out, report))


def _run_one(path: Path, year: str | None, out: Path, json_out: bool, with_report: bool) -> int:
    from finance.pipeline import process, write_outcome

    outcome = process(path, year, with_report=with_report and not json_out)
    if outcome.status == "invalid":
        _err(f"{path}: {len([p for p in outcome.problems if p.is_error])} problem(s); "
             "nothing was written.")
        for p in outcome.problems:
            _err(f"  {p}")
        return EXIT_INVALID
    if outcome.status != "ok":
        _err(f"{path}: failed: {outcome.error}")
        return EXIT_ERROR
    if json_out:
        sys.stdout.write(outcome.json.decode("utf-8"))
        return EXIT_OK
    written = write_outcome(outcome, out)
    from finance.summary import print_summary

    assert outcome.result is not None
    print_summary(outcome.result)
    for p in outcome.problems:
        if not p.is_error:
            _err(f"warning: {p}")
    for w in written:
        typer.echo(f"wrote {w}")
    return EXIT_OK


@app.command()
def validate(
    book: Annotated[Path, typer.Argument(help="A book: .xlsx workbook or folder of CSV files.")],
    year: Annotated[str | None, typer.Option(help="Also check this year can be run.")] = None,
) -> None:
    """List every problem in a book (exit 2 if there are errors)."""
    from finance.book import load_book
    from finance.pipeline import compute

    b, problems = load_book(book)
    if b is not None:
        _, more = compute(b, year)
        problems = problems + more
    errors = [p for p in problems if p.is_error]
    for p in problems:
        typer.echo(str(p))
    if errors:
        typer.echo(f"{len(errors)} problem(s) found in {book}.")
        raise typer.Exit(EXIT_INVALID)
    typer.echo(f"{book}: no problems found.")


@app.command()
def statements(
    book: Annotated[Path | None, typer.Argument(
        help="A book (.xlsx workbook or folder of CSV files). Default: the bundled MKIP "
        "example.")] = None,
    year: Annotated[str | None, typer.Option(
        help="Financial year like 2025-26 (default: the latest year in the book).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the statements.")] = Path("reports"),
) -> None:
    """Write each paying council's statement for the year: one A4 PDF per council,
    <partnership>-<year>-<CODE>.pdf (status DRAFT)."""
    from finance.book import bundled_book_path, load_book
    from finance.output import atomic_write, slug
    from finance.pipeline import collector_paused, compute

    path = book if book is not None else bundled_book_path()
    if not path.exists():
        _err(f"{path}: does not exist")
        raise typer.Exit(EXIT_INVALID)
    try:
        with collector_paused():
            b, problems = load_book(path)
            result = None
            if b is not None:
                result, more = compute(b, year)
                problems = problems + more
            if result is None:
                _err(f"{path}: {len([p for p in problems if p.is_error])} problem(s); "
                     "nothing was written.")
                for p in problems:
                    _err(f"  {p}")
                raise typer.Exit(EXIT_INVALID)
            from finance.statement_pdf import statement_pdfs

            pdfs = statement_pdfs(result)  # every PDF built before any is written
    except typer.Exit:
        raise
    except Exception as exc:  # a defect, not bad input
        _err(f"{path}: failed: {type(exc).__name__}: {exc}")
        raise typer.Exit(EXIT_ERROR) from exc
    for p in problems:
        _err(f"warning: {p}")
    stem = f"{slug(result.book.settings.name)}-{result.year}"
    for party, data in pdfs.items():
        target = out / f"{stem}-{party}.pdf"
        atomic_write(target, data)
        typer.echo(f"wrote {target}")


@app.command()
def template(
    out: Annotated[Path, typer.Argument(help="Where to write the blank input workbook.")],
) -> None:
    """Write a blank input workbook with instructions and drop-down validation."""
    from finance.output import atomic_write
    from finance.template import build_template

    atomic_write(out, build_template())
    typer.echo(f"wrote {out}")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    main()
