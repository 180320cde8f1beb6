"""Persistence: SQLModel tables, the engine factory and the secrecy maintenance of the ballot box."""
