"""The archive's revisions, oldest first (Alembic loads each file by its ``revision``)."""
