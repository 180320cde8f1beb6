"""The office TUI (``zc-review office``): the archive after the room, as screens (issue 10).

``make_office_app`` builds ``OfficeApp``, which lists the sessions filed (``OfficeSessionsScreen``), opens one
(``OfficeSessionScreen``: its results, notice state and complaints) and looks an applicant up
(``ApplicantScreen``). Every action calls the same service function as the command line
(``zc_review.service.office.archive*`` and ``import_bundle``), in a worker thread, with a progress dialog
(``WorkingScreen``) while it runs, so the screen never freezes; a refusal (an unreachable database, a
filing before the notice period is over …) is the service's Chinese message on screen, never a traceback.

What every screen has, as in the room (issue 13): F1 help (``zc_review.tui.help``), the Chinese command
palette (Ctrl+P, ``zc_review.tui.commands``), a confirmation before anything that cannot be undone (a
signed finding, the filing pack, a schema upgrade, an import), and leaving asks first (Ctrl+Q, Ctrl+C).
"""

from zc_review.tui.office.app import OfficeApp, make_office_app

__all__ = ["OfficeApp", "make_office_app"]
