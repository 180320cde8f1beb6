"""zc-review: the sealed-room review session tool for professional-title review committees."""

__version__ = "0.1.0"
