"""The formats the catalogue reads and writes, without touching the database: ``declarations`` (declaration
files in Excel or CSV, and the template), ``lines`` (a declaration's line in any shape), ``seed`` (the seed CSVs)."""
