"""The demo's autopilot: plays a session script through the real screens of ``zc_review.tui`` with Textual's
Pilot, by pressing the keys a recorder and the reviewers press (``autopilot.play_in_tui``). ``opening``
drives the roll call, pledges, recusals, rubric, scoring and opinions; ``closing`` the vote, results, minutes
and export. It finds screens and dialogs by class and widgets by id; it is used by ``zc-review demo`` and
the TUI tests, never by the room itself."""
