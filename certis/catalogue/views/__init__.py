"""The catalogue's pages, one module per group: ``catalogue`` (the catalogue in time and the HS table),
``checks`` (customs checks and the trusted class), ``declarations`` (self-declarations)."""
