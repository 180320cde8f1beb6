"""PDF documents (credential letters, minutes): take view-model dataclasses, return PDF bytes."""
