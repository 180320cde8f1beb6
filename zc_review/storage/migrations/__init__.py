"""Alembic migrations of the office archive (``storage.archive``): env.py and versions/."""
