"""Demonstration data (``certis demo``) and the synthetic registries of the benchmarks. Not installed in
production: ``certis.settings.production`` leaves this app out."""
