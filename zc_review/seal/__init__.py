"""Keys, encryption, signatures and the package and bundle formats of zc-review (no UI, no SQL)."""
