"""The room's dialogs, one widget per kind: ``Confirm`` (yes/no), ``Pick`` (one of a list), ``TextPrompt`` (one
line of text), ``CredentialPrompt`` (a person's secret, checked by the room) and ``Notice`` (a message to
acknowledge), and the shell's ``HelpScreen`` (F1) and ``QuitConfirm`` (leaving the app); ``KeyFooter``, the full
screens' footer (a ``Footer`` rebuilt only when the keys it shows change). Each is a modal
screen answering through ``push_screen(dialog, callback)``; their styles are in ``dialogs.tcss`` (the shell's
in their ``DEFAULT_CSS``). They know nothing of the app: what they need (the room, for the credential) is passed in.
"""

from zc_review.tui.widgets.credential import CredentialPrompt
from zc_review.tui.widgets.dialogs import Confirm, Notice, Pick, TextPrompt
from zc_review.tui.widgets.footer import KeyFooter
from zc_review.tui.widgets.help import HelpScreen
from zc_review.tui.widgets.quit import QuitConfirm

__all__ = ["Confirm", "CredentialPrompt", "HelpScreen", "KeyFooter", "Notice", "Pick", "QuitConfirm", "TextPrompt"]
