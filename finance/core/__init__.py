"""The calculation core: pure functions over immutable records, no I/O.

Nothing in this package imports Streamlit or openpyxl, opens a file or prints.
"""
