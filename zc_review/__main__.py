"""``python -m zc_review``: the same as the ``zc-review`` command."""

from zc_review.cli import main

raise SystemExit(main())
