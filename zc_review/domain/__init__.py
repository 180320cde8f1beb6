"""Pure rules of a title review (RULES.md): dataclasses and functions, stdlib only, no I/O."""
