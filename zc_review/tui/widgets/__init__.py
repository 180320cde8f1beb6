"""The room's dialogs, one widget per kind: ``Confirm`` (yes/no), ``Pick`` (one of a list), ``TextPrompt`` (one
line of text), ``CredentialPrompt`` (a person's secret, checked by the room) and ``Notice`` (a message to
acknowledge). Each is a modal screen answering through ``push_screen(dialog, callback)``; their styles are
in ``dialogs.tcss``. They know nothing of the app: what they need (the room, for the credential) is passed in.
"""

from zc_review.tui.widgets.credential import CredentialPrompt
from zc_review.tui.widgets.dialogs import Confirm, Notice, Pick, TextPrompt

__all__ = ["Confirm", "CredentialPrompt", "Notice", "Pick", "TextPrompt"]
