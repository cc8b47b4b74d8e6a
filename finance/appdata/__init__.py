"""Data shaping for the web app (``app.py``): no Streamlit here, so all of it is testable.

One module per concern, as the app's screen has them, so that each tab of ``app.py`` and
the module that shapes its data read side by side:

* :mod:`~finance.appdata.formats`: money, percentages, pence and counts as text; numbers
  typed in widgets read back as exact decimals; markdown-safe text.
* :mod:`~finance.appdata.tables`: the display :class:`Table` and its column formats, RAG
  colours, :class:`Metric`, and the header's governance and checks lines.
* :mod:`~finance.appdata.sources`: where a book comes from (bundled, uploaded, template)
  and the book read from it through the CLI's validator.
* :mod:`~finance.appdata.editing`: the Data tab: input tables as frames of text to edit,
  and the edits read back as raw tables, listed and saved as a workbook.
* :mod:`~finance.appdata.typed`: the editors' columns: money, percentages, numbers and
  dates shown in the grid's forms and edited as text (what is typed is never bent), yes/no
  as ticks; and back to the book's own text.
* :mod:`~finance.appdata.widths`: each editor column as wide as what it holds.
* :mod:`~finance.appdata.marks`: each editor row's Check column: a problem, a warning
  or a change against the source, marked without resetting the editor's edits.
* :mod:`~finance.appdata.workspace`: the edited tables, kept while their editors are
  not drawn (only the open tab, and the open group of tables, is drawn).
* :mod:`~finance.appdata.problems`: the error box, the notes and the CSV of problems.
* :mod:`~finance.appdata.decisions`: the sidebar's board decisions, the year run with
  them, and its downloads.
* :mod:`~finance.appdata.charts`: the charts' house style, shared by every tab.
* :mod:`~finance.appdata.contributions`, :mod:`~finance.appdata.year_end`,
  :mod:`~finance.appdata.services`, :mod:`~finance.appdata.settlement`,
  :mod:`~finance.appdata.investments`, :mod:`~finance.appdata.monitoring`: one module
  per tab of figures, with that tab's headline figures, tables and charts.
* :mod:`~finance.appdata.allcharts`: every chart the app shows, as Vega-Lite specs.
* :mod:`~finance.appdata.scenarios`: the Scenarios tab.
* :mod:`~finance.appdata.history`: the History tab.

What more than one screen uses is named here too, so ``from finance import appdata as
ad`` then ``ad.Table``, ``ad.gbp`` or ``ad.parse_source`` reads as before; each tab's own
figures are reached through its module.
"""

from __future__ import annotations

from finance.appdata.allcharts import CHARTS, chart_specs
from finance.appdata.charts import MONEY_AXIS, PALETTE, party_scale
from finance.appdata.decisions import (
    Decisions,
    apply_decisions,
    book_decisions,
    changed_decisions,
    cover_changes,
    decisions_from_widgets,
    decisions_message,
    download_note,
    download_stem,
    json_bytes,
    report_bytes,
    run_safely,
)
from finance.appdata.editing import (
    TABLE_GROUPS,
    TABLE_LABELS,
    TABLE_NOTES,
    TABLES,
    cell_text,
    changes_against,
    changes_of,
    choices,
    column_hint,
    column_label,
    columns,
    edited_book,
    frames_equal,
    frames_from_tables,
    next_version,
    tables_digest,
    tables_from_frames,
)
from finance.appdata.formats import (
    count_text,
    decimal_input,
    file_stem,
    gbp,
    md_escape,
    number_format,
    pct_input,
    pct_text,
    pct_value,
    pence_text,
    pounds,
    ratio_text,
)
from finance.appdata.problems import (
    FIRST_PROBLEMS,
    errors_message,
    errors_of,
    grouped,
    more_problems,
    notes_label,
    problem_lines,
    problems_by_table,
    problems_csv,
    safe_csv_text,
    warnings_beside,
    warnings_of,
)
from finance.appdata.sources import (
    BUNDLED,
    ICON,
    SOURCE_LABELS,
    TEMPLATE,
    UPLOAD,
    Parsed,
    Source,
    bundled_source,
    file_problem,
    parse_edited,
    parse_source,
    source_key,
    template_source,
    what_file,
    workbook_source,
)
from finance.appdata.tables import (
    ALIGN,
    BOLD,
    EXACT,
    FIGURES,
    INT,
    MONEY,
    PCT,
    RAG,
    RATIO,
    SCORE,
    TEXT,
    TOTAL,
    YEARS,
    Metric,
    Table,
    checks_summary,
    checks_table,
    column_notes,
    governance_line,
    on_page,
    page_table,
    party_name,
    show_value,
    styled,
)
from finance.appdata.typed import editor_alignment
from finance.appdata.widths import editor_widths, fitted_marks
from finance.output import slug

__all__ = [
    "ALIGN",
    "BOLD",
    "BUNDLED",
    "CHARTS",
    "EXACT",
    "FIGURES",
    "FIRST_PROBLEMS",
    "ICON",
    "INT",
    "MONEY",
    "MONEY_AXIS",
    "PALETTE",
    "PCT",
    "RAG",
    "RATIO",
    "SCORE",
    "SOURCE_LABELS",
    "TABLES",
    "TABLE_GROUPS",
    "TABLE_LABELS",
    "TABLE_NOTES",
    "TEMPLATE",
    "TEXT",
    "TOTAL",
    "UPLOAD",
    "YEARS",
    "Decisions",
    "Metric",
    "Parsed",
    "Source",
    "Table",
    "apply_decisions",
    "book_decisions",
    "bundled_source",
    "cell_text",
    "changed_decisions",
    "changes_against",
    "changes_of",
    "chart_specs",
    "checks_summary",
    "checks_table",
    "choices",
    "column_hint",
    "column_label",
    "column_notes",
    "columns",
    "count_text",
    "cover_changes",
    "decimal_input",
    "decisions_from_widgets",
    "decisions_message",
    "download_note",
    "download_stem",
    "edited_book",
    "editor_alignment",
    "editor_widths",
    "errors_message",
    "errors_of",
    "file_problem",
    "file_stem",
    "fitted_marks",
    "frames_equal",
    "frames_from_tables",
    "gbp",
    "governance_line",
    "grouped",
    "json_bytes",
    "md_escape",
    "more_problems",
    "next_version",
    "notes_label",
    "number_format",
    "on_page",
    "page_table",
    "parse_edited",
    "parse_source",
    "party_name",
    "party_scale",
    "pct_input",
    "pct_text",
    "pct_value",
    "pence_text",
    "pounds",
    "problem_lines",
    "problems_by_table",
    "problems_csv",
    "ratio_text",
    "report_bytes",
    "run_safely",
    "safe_csv_text",
    "show_value",
    "slug",
    "source_key",
    "styled",
    "tables_digest",
    "tables_from_frames",
    "template_source",
    "warnings_beside",
    "warnings_of",
    "what_file",
    "workbook_source",
]
