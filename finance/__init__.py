"""Partnership finance and cost apportionment (MKIP model).

``finance.core`` is the calculation core: plain data in, plain data out, no I/O.
``finance.book`` reads input books, ``finance.report`` builds the Excel board report,
``finance.cli`` is the command line.
"""

__version__ = "0.1.0"
