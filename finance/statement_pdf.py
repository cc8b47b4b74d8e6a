"""One council's statement for the year as a one-page A4 PDF, built in memory (fpdf2).

The figures are those of :mod:`finance.core.statements`; this module only lays them out:
the council's fund account beside the partnership's (§13.2-§13.3), every shared service
(§18.1(a)) and business case set-up cost (§18.1(b)) that makes up its settlement, with
what it paid as host or lead and its own share, the settlement payments it makes or
receives and with whom, its net cash for the year (defined on the page), who prepared it
and a place for the accountable body's section 151 officer to sign.

Amounts are pounds with thousands separators, right-aligned, negatives in brackets:
``42,840.00``, ``(29,194.60)``.  Text is real text in DejaVu Sans, a TrueType font
shipped in ``finance/assets`` and embedded in the PDF, so it prints the same everywhere
and can be selected, searched and read by ``pdftotext``.  The PDF's creation date is
fixed (the last day of the financial year, midnight UTC), so the same result always
gives the same bytes.  The font is cut to Latin-1 and a few punctuation marks: any other
character in a name is shown as ``?``.

Each PDF declares itself PDF/A-2b (ISO 19005-2, for keeping): fpdf2 writes it to that
part (PDF 1.7, every font embedded, no encryption, an sRGB output intent with its ICC
profile), and :func:`archival_bytes` adds the XMP metadata that names the part and
conformance (``pdfaid:part`` 2, ``pdfaid:conformance`` B) and repeats the document's
title, author, subject, creator, producer and dates, its dates fixed so the bytes stay the
same.  The conformance is declared, not validated by a PDF/A validator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from fpdf import FPDF

from finance import __version__
from finance.core.chain import approval_words
from finance.core.money import pence_to_decimal
from finance.core.run import Result
from finance.core.statements import NET_CASH, ROUNDING, Statement, statements
from finance.core.years import year_end, year_start

__all__ = ["PDFA", "Approval", "archival_bytes", "fmt_amount", "statement_pdf",
           "statement_pdfs"]

#: The PDF/A part and conformance level every statement and budget notice declares.
PDFA = "PDF/A-2B"

#: Services, business cases and settlement lines shown before the rest are summed on one
#: line, so a statement of a large book still fits one page.
MAX_SERVICES = 6
MAX_SETUPS = 3
MAX_SETTLEMENT = 4

#: The font the statements are printed in (embedded in each PDF), regular, bold, oblique.
FONT = "DejaVu"
_ASSETS = Path(__file__).resolve().parent / "assets"
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}

_INK = (33, 37, 41)
_GREY = (108, 117, 125)
_RULE = (173, 181, 189)
_SHADE = (233, 236, 239)
_BAND = (31, 56, 100)  # dark blue
_DRAFT = (176, 42, 55)


@dataclass(frozen=True, slots=True)
class Approval:
    """The statement's status: ``DRAFT`` until the board approves the accounts, then
    ``FINAL`` with who approved them, the board minute, the board meeting's date (the
    approval's date) and when the year was closed into the record.

    Fields:
        status: ``"DRAFT"`` or ``"FINAL"``.
        approver: who approved the statement (FINAL only).
        minute: the board minute that approved it (FINAL only; "" when none was recorded).
        closed_at: when the year was closed into the record, a timezone-aware date and
            time (FINAL only).
        meeting_date: the date of the board meeting that approved it (FINAL only;
            ``None``: not recorded, a year closed before it was asked for).
    """

    status: str = "DRAFT"
    approver: str = ""
    minute: str = ""
    closed_at: datetime | None = None
    meeting_date: date | None = None

    def __post_init__(self) -> None:
        if self.status not in ("DRAFT", "FINAL"):
            raise ValueError(f"status {self.status!r} is not DRAFT or FINAL")
        if self.status == "FINAL" and not (self.approver and self.closed_at):
            raise ValueError("a FINAL statement needs its approver and time of closing")


DRAFT = Approval()


def fmt_amount(pence: int) -> str:
    """Pounds as a finance statement shows them: separators, negatives in brackets.

    >>> fmt_amount(4284000), fmt_amount(-291946), fmt_amount(0), fmt_amount(-1)
    ('42,840.00', '(2,919.46)', '0.00', '(0.01)')
    """
    text = f"{pence_to_decimal(abs(pence)):,.2f}"
    return f"({text})" if pence < 0 else text


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _fit(pdf: FPDF, text: str, tail: str, width: float) -> str:
    """``text + tail``, ``text`` cut short (with ``...``) so that it fits ``width`` mm in
    the current font."""
    text, tail = _latin1(text), _latin1(tail)
    if pdf.get_string_width(text + tail) <= width:
        return text + tail
    while text and pdf.get_string_width(text.rstrip() + "..." + tail) > width:
        text = text[:-1]
    return text.rstrip() + "..." + tail


def _pct(weight: Fraction) -> str:
    """A weight as a percentage to four decimal places, e.g. ``37.9888%``."""
    d = Decimal(weight.numerator) * 100 / Decimal(weight.denominator)
    return f"{d.quantize(Decimal('0.0001'))}%"


def _rate(rate: Fraction) -> str:
    """A rate per head in pence: ``30``, ``30.5`` (to four places at most)."""
    d = (Decimal(rate.numerator) / Decimal(rate.denominator)).quantize(Decimal("0.0001"))
    return f"{d.normalize():f}"


class _Page(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4", enforce_compliance=PDFA)
        self._footer_text = footer_text
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(False)
        for style, file in _FONT_FILES.items():
            self.add_font(FONT, style, str(_ASSETS / file))

    def footer(self) -> None:
        self.set_y(-14)
        self.set_draw_color(*_RULE)
        self.line(18, self.get_y() - 1.5, 192, self.get_y() - 1.5)
        self.set_font(FONT, "", 7)
        self.set_text_color(*_GREY)
        self.cell(130, 4, _latin1(self._footer_text))
        self.cell(0, 4, "Page 1 of 1", align="R")


class _Writer:
    """Draws one statement on one page, in a column from ``pdf.l_margin`` ``width`` mm
    wide; ``y`` moves down as sections are added."""

    H = 4.4  # row height, mm

    def __init__(self, pdf: _Page, width: float = 174) -> None:
        self.pdf = pdf
        self.width = width

    @property
    def x0(self) -> float:
        return float(self.pdf.l_margin)

    @property
    def x1(self) -> float:
        return self.x0 + self.width

    def text(self, w: float, h: float, s: str, *, size: float = 9, style: str = "",
             align: str = "L", colour: tuple[int, int, int] = _INK, fill: bool = False,
             new_line: bool = False) -> None:
        p = self.pdf
        p.set_font(FONT, style, size)
        p.set_text_color(*colour)
        p.cell(w, h, _latin1(s), align=align, fill=fill,
               new_x="LMARGIN" if new_line else "RIGHT", new_y="NEXT" if new_line else "TOP")

    def heading(self, s: str, clause: str) -> None:
        p = self.pdf
        p.ln(2.5)
        self.text(self.width - 30, 6, s, size=10.5, style="B", colour=_BAND)
        self.text(30, 6, clause, size=8, align="R", colour=_GREY, new_line=True)
        p.set_draw_color(*_BAND)
        p.set_line_width(0.4)
        p.line(self.x0, p.get_y(), self.x1, p.get_y())
        p.set_line_width(0.2)
        p.ln(0.8)

    def header_row(self, cells: list[tuple[str, float, str]]) -> None:
        self.pdf.set_fill_color(*_SHADE)
        for i, (s, w, align) in enumerate(cells):
            self.text(w, 5.2, s, size=8, style="B", align=align, fill=True,
                      new_line=i == len(cells) - 1)

    def row(self, cells: list[tuple[str, float, str]], *, style: str = "",
            rule_above: bool = False, rule_below: bool = False, size: float = 9) -> None:
        p = self.pdf
        if rule_above:
            p.set_draw_color(*_INK)
            p.line(self.x0 + cells[0][1], p.get_y(), self.x1, p.get_y())
        for i, (s, w, align) in enumerate(cells):
            self.text(w, self.H, s, size=size, style=style, align=align,
                      new_line=i == len(cells) - 1)
        if rule_below:
            p.set_draw_color(*_RULE)
            p.line(self.x0, p.get_y(), self.x1, p.get_y())


def _account_rows(st: Statement, r: Result) -> list[tuple[str, int, int, str]]:
    """``(label, partnership pence, council pence, style)`` for the fund account."""
    a, ye = st.account, r.year_end
    nxt = f"{int(r.year[:4]) + 1}-{(int(r.year[:4]) + 2) % 100:02d}"
    rows: list[tuple[str, int, int, str]] = [
        ("Opening balance", ye.opening_balance, a.opening_balance, ""),
        ("Opening commitments", ye.opening_commitments, a.opening_commitments, ""),
        (f"Contributions ({_rate(r.contributions.rate_pence)}p per head, §13.2)",
         ye.contributions, a.contribution, ""),
        ("External funding", ye.external_funding, a.external_funding, ""),
        ("Income", ye.income, a.income, ""),
        ("Less: administration recharge", -ye.admin_recharge, -a.admin_recharge, ""),
        ("Less: spend", -ye.spend, -a.spend, ""),
        ("Less: commitments at 31 March", -ye.commitments, -a.commitments, ""),
        (ROUNDING, 0, a.rounding, ""),
        ("Uncommitted balance" + (" (deficit)" if ye.deficit else ""), ye.uncommitted,
         a.uncommitted, "B"),
    ]
    if ye.deficit:
        rows += [("Deficit carried over to " + nxt, ye.carry_over, a.carry_over, ""),
                 ("Supplementary contribution to clear the deficit", -ye.uncommitted,
                  a.supplementary, "")]
    else:
        pct = f"{(ye.refund_share * 100).normalize():f}%"
        rows += [(f"Refund to the councils ({pct} by Board decision)", ye.refund, a.refund,
                  ""),
                 ("Carried over to " + nxt, ye.carry_over, a.carry_over, "")]
    return rows


def statement_pdf(st: Statement, r: Result, *, approval: Approval = DRAFT,
                  prepared_by: str | None = None) -> bytes:
    """One party's statement as PDF bytes: one A4 portrait page (see the module notes).

    ``prepared_by`` defaults to the book's ``prepared_by`` setting.
    """
    s = r.book.settings
    who = s.prepared_by if prepared_by is None else prepared_by
    names = {p.code: p.name for p in r.book.parties}
    start, end = year_start(r.year), year_end(r.year)
    created = datetime(end.year, end.month, end.day, tzinfo=UTC)
    sha = r.book.source_sha256
    footer = (f"mkip-finance {__version__}" + (f" - input SHA-256 {sha[:16]}" if sha else "")
              + f" - {st.party} statement {r.year} - {approval.status}")
    pdf = _Page(footer)
    pdf.set_title(_latin1(f"{s.name}: statement of account {r.year}, {st.name}"))
    pdf.set_author(_latin1(who or s.name))
    pdf.set_subject(_latin1(f"Fund account, shared services and settlement {r.year}"))
    pdf.set_creator(f"mkip-finance {__version__}")
    pdf.set_producer(f"mkip-finance {__version__}")
    pdf.set_creation_date(created)
    pdf.add_page()
    w = _Writer(pdf)

    # -- title band
    pdf.set_fill_color(*_BAND)
    pdf.rect(0, 0, 210, 9, style="F")
    pdf.set_xy(18, 14)
    w.text(130, 6, s.name, size=14, style="B", colour=_BAND)
    pdf.set_draw_color(*_DRAFT if approval.status == "DRAFT" else _BAND)
    pdf.set_line_width(0.6)
    pdf.set_xy(152, 13)
    pdf.cell(40, 9, "", border=1)
    pdf.set_xy(152, 13)
    w.text(40, 9, approval.status, size=15, style="B", align="C",
           colour=_DRAFT if approval.status == "DRAFT" else _BAND)
    pdf.set_line_width(0.2)
    pdf.set_xy(18, 21)
    w.text(130, 6, f"Statement of account {r.year}", size=12, style="B", new_line=True)
    w.text(130, 6, f"{st.name} ({st.party})", size=12, new_line=True)
    body = names.get(s.accountable_body, s.accountable_body)
    w.text(0, 5, f"Financial year 1 April {start.year} to 31 March {end.year}.  Accountable "
           f"body: {body} ({s.accountable_body}), §13.3.", size=8.5, colour=_GREY,
           new_line=True)
    if approval.status == "DRAFT":
        w.text(0, 4.5, "Draft for checking: not yet approved by the partnership board.",
               size=8.5,
               style="I", colour=_DRAFT, new_line=True)
    else:
        at = approval.closed_at
        assert at is not None
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(*_INK)
        pdf.multi_cell(0, 4.5, _latin1(  # a long approver's e-mail wraps to a second line
            f"Approved by {approval.approver} "
            f"{approval_words(approval.minute, approval.meeting_date, at)}."),
            new_x="LMARGIN", new_y="NEXT")

    # -- fund account
    weight = Fraction(st.account.weight, r.year_end.contributions or 1)
    w.heading("1. Fund account", "§13.2-§13.3")
    cols = (104, 35, 35)
    w.header_row([("", cols[0], "L"), ("Partnership £", cols[1], "R"),
                  (f"{st.party} £", cols[2], "R")])
    for label, whole, own, style in _account_rows(st, r):
        total = label.startswith("Uncommitted")
        partnership = "" if label.startswith(("Rounding", "Supplementary")) and not whole \
            else fmt_amount(whole)
        w.row([(label, cols[0], "L"), (partnership, cols[1], "R"),
               (fmt_amount(own), cols[2], "R")], style=style, rule_above=total,
              rule_below=total)
    if st.account.weight:
        note = (f"{st.party}'s shares are split on {r.year} contribution weights ({st.party} "
                f"{_pct(weight)}) by largest remainder; the rounding line brings its lines to "
                "its own " + ("share of the deficit." if r.year_end.deficit
                              else "refund and carry-over."))
    else:
        note = f"{st.party} pays no contribution in {r.year}, so it has no share of the fund."
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(*_GREY)
    pdf.multi_cell(w.width, 3.4, _latin1(note), align="L", new_x="LMARGIN", new_y="NEXT")

    # -- services and business cases: what makes up the settlement
    w.heading("2. Shared services and business cases: what makes up the settlement",
              "§18.1")
    cols2 = (66.0, 13.0, 24.0, 23.0, 24.0, 24.0)
    w.header_row([("Service or business case", cols2[0], "L"), ("Host", cols2[1], "L"),
                  ("Cost £", cols2[2], "R"), ("Paid £", cols2[3], "R"),
                  (f"{st.party} share £", cols2[4], "R"), ("Settlement £", cols2[5], "R")])

    def line(label: str, who_: str, cost: str, paid: int, share: int, style: str = "",
             code: str = "", **rules: bool) -> None:
        pdf.set_font(FONT, style, 8.5)
        text = _fit(pdf, label, f" ({code})" if code else "", cols2[0] - 1.5)
        w.row([(text, cols2[0], "L"), (who_, cols2[1], "L"),
               (cost, cols2[2], "R"), (fmt_amount(paid), cols2[3], "R"),
               (fmt_amount(share), cols2[4], "R"), (fmt_amount(paid - share), cols2[5], "R")],
              style=style, size=8.5, **rules)

    for c in st.services[:MAX_SERVICES]:
        line(c.name, c.host, fmt_amount(c.net_cost), c.paid, c.share, code=c.service)
    rest = st.services[MAX_SERVICES:]
    if rest:
        line(f"and {len(rest)} more services", "", "", sum(c.paid for c in rest),
             sum(c.share for c in rest), "I")
    if st.setups:
        w.row([("Business case set-up costs (§18.1(b); host: the lead)", sum(cols2), "L")],
              style="I", size=8)
    for b in st.setups[:MAX_SETUPS]:
        line(b.name, b.lead, fmt_amount(b.cost), b.paid, b.share, code=b.project)
    more_b = st.setups[MAX_SETUPS:]
    if more_b:
        line(f"and {len(more_b)} more business cases", "", "", sum(b.paid for b in more_b),
             sum(b.share for b in more_b), "I")
    if not (st.services or st.setups):
        w.row([("No shared services or business cases this year.", sum(cols2), "L")],
              style="I")
    line("Total: net settlement position", "", "", st.paid,
         st.service_total + st.setup_total, "B", rule_above=True, rule_below=True)
    pdf.set_font(FONT, "", 6.8)
    pdf.set_text_color(*_GREY)
    pdf.multi_cell(w.width, 3.2, "Paid: the net cost a host paid, the set-up cost a lead "
                   "paid. Settlement = paid - share (positive: owed to the council); the lines "
                   "add up to its net settlement position.", align="L", new_x="LMARGIN",
                   new_y="NEXT")

    # -- settlement (left) and net cash (right), side by side
    top = pdf.get_y()
    left = _Writer(pdf, 96)
    cols3 = (68.0, 28.0)
    left.heading("3. Settlement payments", "§18.1(b)")
    left.header_row([("With", cols3[0], "L"), ("Received / (paid) £", cols3[1], "R")])
    pdf.set_font(FONT, "", 9)
    for i in st.settlement[:MAX_SETTLEMENT]:
        who_else = _fit(pdf, names.get(i.counterparty, i.counterparty), f" ({i.counterparty})",
                        cols3[0] - 2)
        left.row([(who_else, cols3[0], "L"), (fmt_amount(i.amount), cols3[1], "R")])
    more = st.settlement[MAX_SETTLEMENT:]
    if more:
        left.row([(f"and {len(more)} more councils", cols3[0], "L"),
                  (fmt_amount(sum(i.amount for i in more)), cols3[1], "R")], style="I")
    if not st.settlement:
        left.row([("No settlement payments this year.", left.width, "L")], style="I")
    left.row([("Net settlement position", cols3[0], "L"),
              (fmt_amount(st.settlement_net), cols3[1], "R")], style="B", rule_above=True,
             rule_below=True)
    bottom = pdf.get_y()

    a = st.account
    pdf.set_left_margin(18 + 100)
    pdf.set_xy(18 + 100, top)
    right = _Writer(pdf, 74)
    cols4 = (46.0, 28.0)
    right.heading("4. Net cash", "")
    for label, v in (("Refund receivable", a.refund), ("Less: contribution", -a.contribution),
                     ("Less: supplementary", -a.supplementary),
                     ("Less: paid as host or lead", -st.paid),
                     ("Net settlement position", st.settlement_net)):
        right.row([(label, cols4[0], "L"), (fmt_amount(v), cols4[1], "R")])
    pdf.set_draw_color(*_INK)
    y = pdf.get_y()
    pdf.line(right.x0 + cols4[0], y, right.x1, y)
    pdf.set_fill_color(*_SHADE)
    right.text(cols4[0], 6.5, f"Net cash {r.year}", size=10, style="B", fill=True)
    right.text(cols4[1], 6.5, fmt_amount(st.net_cash), size=10, style="B", align="R",
               fill=True, new_line=True)
    y = pdf.get_y() + 0.6
    pdf.line(right.x0 + cols4[0], y, right.x1, y)
    pdf.set_left_margin(18)
    pdf.set_xy(18, max(bottom, pdf.get_y()) + 1.5)
    pdf.set_font(FONT, "", 6.8)
    pdf.set_text_color(*_GREY)
    pdf.multi_cell(w.width, 3.2, _latin1(NET_CASH), align="L", new_x="LMARGIN",
                   new_y="NEXT")

    # -- sign-off: the accountable body's section 151 officer certifies (§13.3)
    body_code = s.accountable_body
    officer = next((p.s151_officer for p in r.book.parties if p.code == body_code), "")
    pdf.set_y(max(pdf.get_y() + 1.5, 240))
    w.text(0, 6, "Certification", size=10.5, style="B", colour=_BAND, new_line=True)
    pdf.set_draw_color(*_BAND)
    pdf.set_line_width(0.4)
    pdf.line(18, pdf.get_y(), 192, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.ln(1.2)
    w.text(24, 5.5, "Prepared by:", size=9)
    if who:
        pdf.set_font(FONT, "B", 9)
        w.text(0, 5.5, _fit(pdf, who, "", 148), size=9, style="B", new_line=True)
    else:
        pdf.set_draw_color(*_INK)
        pdf.line(42, pdf.get_y() + 5, 110, pdf.get_y() + 5)
        pdf.ln(5.5)
    signer = f"the section 151 officer of {names.get(body_code, body_code)} ({body_code})"
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*_INK)
    pdf.multi_cell(0, 4.2, _latin1(
        f"To be signed by {signer}, the accountable body (§13.3). I certify that this "
        f"statement fairly presents {st.name}'s share of the partnership's accounts for "
        f"{r.year}."), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_draw_color(*_INK)
    y = pdf.get_y()
    if officer:
        pdf.set_xy(98, y - 5)
        pdf.set_font(FONT, "B", 9)
        w.text(60, 5, _fit(pdf, officer, "", 60), size=9, style="B")
    for x0, x1, label in ((18, 92, f"Signed, section 151 officer, {body_code}"),
                          (98, 158, "Name"), (164, 192, "Date")):
        pdf.line(x0, y, x1, y)
        pdf.set_xy(x0, y + 0.5)
        pdf.set_font(FONT, "", 7.5)
        w.text(x1 - x0, 4, _fit(pdf, label, "", x1 - x0), size=7.5, colour=_GREY)
    if pdf.get_y() > 277:  # the footer's place: the limits above keep every book clear of it
        raise AssertionError(f"statement of {st.party} runs past the page ({pdf.get_y():.1f} mm)")
    return archival_bytes(pdf)


def _xml(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&apos;"))


def archival_bytes(pdf: FPDF) -> bytes:
    """The PDF's bytes, with the XMP metadata PDF/A-2b asks for: the part and
    conformance, and the document information (title, author, subject, creator, producer,
    creation date) as in the document's information dictionary.  The dates are the
    document's creation date, not the time it is written, so the same content gives the
    same bytes (fpdf2's own XMP would stamp the time of writing)."""
    created = pdf.creation_date.astimezone(UTC).isoformat(timespec="seconds")
    attrs = [f'xmp:CreatorTool="{_xml(pdf.creator)}"' if pdf.creator else "",
             f'xmp:CreateDate="{created}"', f'xmp:ModifyDate="{created}"',
             f'xmp:MetadataDate="{created}"',
             f'pdf:Producer="{_xml(pdf.producer)}"' if pdf.producer else ""]
    texts = [("dc:title", getattr(pdf, "title", None)),
             ("dc:description", getattr(pdf, "subject", None))]
    body = [f"<{tag}><rdf:Alt><rdf:li xml:lang=\"x-default\">{_xml(v)}</rdf:li></rdf:Alt>"
            f"</{tag}>" for tag, v in texts if v]
    author = getattr(pdf, "author", None)
    if author:
        body.append(f"<dc:creator><rdf:Seq><rdf:li>{_xml(author)}</rdf:li></rdf:Seq>"
                    "</dc:creator>")
    pdf.set_xmp_metadata("\n".join([
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" '
        'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" '
        + " ".join(a for a in attrs if a) + ">",
        "<pdfaid:part>2</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
        *body, "</rdf:Description>", "</rdf:RDF>", "</x:xmpmeta>"]))
    return bytes(pdf.output())


def statement_pdfs(r: Result, *, approval: Approval = DRAFT) -> dict[str, bytes]:
    """Every paying party's statement PDF, by party code."""
    return {st.party: statement_pdf(st, r, approval=approval) for st in statements(r)}
