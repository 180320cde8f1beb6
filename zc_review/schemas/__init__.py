"""JSON Schemas (Draft 2020-12) of the office input files; see docs/INPUT.md."""
