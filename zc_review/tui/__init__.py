"""The terminal UI (Textual): gathers input and shows state; every action goes through the service."""
