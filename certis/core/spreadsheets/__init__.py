"""Spreadsheets (CSV and Excel) from and for people outside the platform, handled safely.

- ``safe_text``: user text written into XLSX and CSV so that it opens as text, never as a formula;
- ``xlsx_limits``: bounds on what an uploaded workbook may cost (unpacked size, shared strings, rows, cells),
  checked before openpyxl reads it;
- ``encodings``: what encoding a CSV really is in, among those accepted, or a refusal.
"""
