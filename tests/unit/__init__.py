"""Pure tests: no database, no TUI (issue 8 layout)."""
