"""Read models of the application shell (issue 13): the package's fingerprint, the projector view and who is
still due. Reached through ``room.views.shell`` (``package()``, ``projector()``, ``outstanding()``); every function
reads, none writes.

The projector is a public display in the room: it carries counts (who is present, how many have voted), the
pass-rate preview and the results by applicant code (names only once the presiding officer has declared the
results final), and never a ballot's choice nor who voted how. Source: RULES.md §2, §4, §5.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from zc_review.domain import rules
from zc_review.domain.rules import Outcome
from zc_review.i18n import t
from zc_review.service.room.ballot import Ballot
from zc_review.service.room.closing import Closing
from zc_review.service.room.context import RoomContext
from zc_review.service.room.opening import Opening
from zc_review.service.room.panel import Panel
from zc_review.service.room.paper_ballot import (
    is_paper,
    keyings_of,
    printed_copies,
    tally_state_of,
    witness_of,
)
from zc_review.storage.models import PollRound

#: The projector's pages, in the order of the session (the keys 1–4 on the projector).
PROJECTOR_PAGES = ("roll_call", "preview", "ballot", "results")


@dataclass(frozen=True)
class PackageView:
    """The package as the credential letters print it: ``package_id`` (评审包编号) and the office root
    fingerprint (办事机构根指纹: SHA-256 of the root certificate, 16 groups of 4 upper-case hex), which the
    letters ask every holder to compare on first opening; ``package_sha256`` the file's SHA-256 in groups of 4.
    Source: zc_review/documents/letters.py (使用须知 4); docs/SECURITY.md."""

    package_id: str
    office_root_fingerprint: str
    package_sha256: str


@dataclass(frozen=True)
class QuorumFigures:
    """Roll call for the projector: committee size, required (⌈2/3·size⌉), attending, unmarked, whether the
    quorum is met and the roll call closed. Source: RULES.md §2."""

    committee_size: int
    required: int
    attending: int
    unmarked: int
    met: bool
    closed: bool


@dataclass(frozen=True)
class PaperProgress:
    """The open paper round's progress (``ballot_mode: paper``), counts only: ``printed`` ballots (copies, 0
    before printing), ``applicants`` on the ballot, ``first_keyed`` / ``second_keyed`` (the first and the
    second teller keyed the counts of every applicant: pass 1), ``agreed`` applicants whose two keyings
    agree, ``recount`` applicants the keyings differed on, still to re-count and key again by both tellers
    (``recount_keyed``: one of them has keyed the re-count), ``pass_no`` the pass being keyed, ``witnessed``
    by the supervisor (监票). Never a count of an applicant, never a choice. Source: RULES.md §5; issue 14."""

    printed: int
    applicants: int
    first_keyed: bool
    second_keyed: bool
    agreed: int
    recount: int
    recount_keyed: bool
    pass_no: int
    witnessed: bool


@dataclass(frozen=True)
class BallotProgress:
    """The poll's progress, counts only: the open round's number and kind (``kind`` "main" | "runoff" |
    "revote"; "" when no round was ever opened), ``is_open``, how many of the entitled voters have voted,
    the applicants on the ballot, and how many rounds are closed. Never who voted, never a choice.
    ``paper``: in paper mode, the open round's printing, keying and witness (``voted`` is then 0: nobody
    votes at the laptop). Source: RULES.md §5 (无记名投票)."""

    round_no: int | None
    kind: str
    is_open: bool
    voted: int
    entitled: int
    applicants: int
    closed_rounds: int
    paper: PaperProgress | None = None


@dataclass(frozen=True)
class PreviewLine:
    """One applicant of the pass-rate preview: code, composite (two decimals, "" when unscored), rank ("" when
    unranked), ``within_cap`` when ranked inside the group's cap so far."""

    code: str
    composite: str
    rank: str
    within_cap: bool


@dataclass(frozen=True)
class PreviewGroup:
    """A group of the pass-rate preview: name, applicants, pass rate in per cent ("30"), cap ⌊rate × n⌋.
    Source: RULES.md §5; 000 第二十六条(五)."""

    name: str
    applicants: int
    rate_percent: str
    cap: int
    lines: tuple[PreviewLine, ...]


@dataclass(frozen=True)
class ResultLine:
    """One applicant's result for the projector: code, name (None until the results are final), agree votes
    (None before the count), ``outcome`` (an ``Outcome`` value, "" before the count)."""

    code: str
    name: str | None
    agree: int | None
    outcome: str


@dataclass(frozen=True)
class ResultGroup:
    """A group's results: name, cap, applicants, how many passed, the lines best rank first."""

    name: str
    cap: int
    applicants: int
    passed: int
    lines: tuple[ResultLine, ...]


@dataclass(frozen=True)
class ProjectorView:
    """Everything the projector shows, and the page to show first (``stage``, one of ``PROJECTOR_PAGES``:
    the roll call until it is closed, the ballot while a round is open, the results once counted, else the
    preview). ``counted``: the main vote has closed; ``final``: the results are declared final."""

    committee_name: str
    rehearsal: bool
    stage: str
    quorum: QuorumFigures
    ballot: BallotProgress
    preview: tuple[PreviewGroup, ...]
    counted: bool
    final: bool
    results: tuple[ResultGroup, ...]


@dataclass(frozen=True)
class OutstandingView:
    """Who is still due, by name in roster order: not yet marked at the roll call, attending reviewers
    without a signed pledge, entitled voters who have not voted in the open round (empty when none is
    open), attending reviewers who have not signed off the results (empty before the count).
    Source: RULES.md §2, §5."""

    unmarked: tuple[str, ...]
    pledges: tuple[str, ...]
    ballots: tuple[str, ...]
    sign_offs: tuple[str, ...]
    poll_open: bool
    counted: bool
    #: Paper ballots (``ballot_mode: paper``): nobody votes at the laptop, so ``ballots`` stays empty and this
    #: says what the open round's count still needs, in Chinese (the tellers' keyings, the re-count of the
    #: applicants they differed on, the supervisor's signature); "" in laptop mode or with no round open.
    tally_due: str = ""


def _fmt2(value: Decimal | None) -> str:
    return "" if value is None else str(rules.round_half_up(value))


class ShellViews:
    """The shell's read models over the room's parts (``room.views.shell``)."""

    def __init__(self, ctx: RoomContext, opening: Opening, panel: Panel, ballot: Ballot, closing: Closing) -> None:
        self.ctx = ctx
        self.opening = opening
        self.panel = panel
        self.ballot = ballot
        self.closing = closing

    def package(self) -> PackageView:
        """The package's id, the office root fingerprint the letters print, the file's SHA-256."""
        from zc_review.seal.pki import cert_fingerprint, group_hex

        return PackageView(self.ctx.package_id, cert_fingerprint(self.ctx.root_cert),
                           group_hex(self.ctx.state().package_sha256))

    def quorum(self) -> QuorumFigures:
        """The roll call's figures now."""
        q = self.opening.quorum()
        return QuorumFigures(q.committee_size, q.required, q.attending, q.unmarked, q.met,
                             self.opening.roll_call_closed())

    def ballot_progress(self) -> BallotProgress:
        """The open round's counts, else the last round's kind with ``is_open`` False."""
        rounds = self.ballot.rounds()
        closed = sum(1 for r in rounds if r.status == "closed")
        rnd = self.ballot.open_round()
        if rnd is None:
            last = rounds[-1] if rounds else None
            return BallotProgress(last.round_no if last else None, last.kind if last else "", False, 0, 0, 0, closed)
        applicants = len(self.ballot.round_applicants(rnd))
        return BallotProgress(rnd.round_no, rnd.kind, True, len(self.ballot.voters_done(rnd.round_no)),
                              len(self.ballot.entitled_voters()), applicants, closed,
                              self._paper(rnd, applicants) if is_paper(self.ctx) else None)

    def _paper(self, rnd: PollRound, applicants: int) -> PaperProgress:
        """The open paper round's figures (``PaperProgress``) from its keyings and witness."""
        keyings = keyings_of(self.ctx, rnd.round_no)
        state = tally_state_of(self.ctx, rnd)
        recount = len(state.due) if state.pass_no > 1 else 0
        return PaperProgress(printed_copies(self.ctx, rnd), applicants, bool(keyings), len(keyings) >= 2,
                             len(state.agreed), recount, recount > 0 and state.first is not None, state.pass_no,
                             witness_of(self.ctx, rnd.round_no) is not None)

    def preview(self) -> tuple[PreviewGroup, ...]:
        """The pass-rate preview by code (``room.panel.pass_rate_preview``)."""
        d = self.ctx.defn
        groups = []
        for g in self.panel.pass_rate_preview():
            lines = tuple(PreviewLine(d.applicant(aid).code, _fmt2(c), "" if r is None else str(r),
                                      i < g.cap and c is not None) for i, (aid, c, r) in enumerate(g.ranking))
            groups.append(PreviewGroup(g.name, g.applicants, f"{(g.pass_rate * 100).normalize():f}", g.cap, lines))
        return tuple(groups)

    def results(self) -> tuple[bool, bool, tuple[ResultGroup, ...]]:
        """(counted, final, groups): the results by code, names once final. Source: RULES.md §4–5."""
        d = self.ctx.defn
        final = self.closing.results_final()
        out = self.ctx.outcome()
        groups = []
        for g in d.groups:
            members = sorted(d.applicants_of_group(g.id), key=lambda a: (out.applicants[a.id].rank or 10**6, a.code))
            decision = out.groups.get(g.id)
            cap = decision.cap if decision else rules.pass_cap(g.pass_rate, len(members))
            lines = []
            for a in members:
                o = out.applicants[a.id]
                outcome = o.outcome.value if o.outcome is not None else ""
                lines.append(ResultLine(a.code, a.name if final else None, o.tally.agree if o.tally else None, outcome))
            passed = sum(1 for line in lines if line.outcome == Outcome.PASSED.value)
            groups.append(ResultGroup(g.name, cap, len(members), passed, tuple(lines)))
        return out.main_round is not None, final, tuple(groups)

    def projector(self) -> ProjectorView:
        """The projector's view now (see ``ProjectorView``)."""
        quorum = self.quorum()
        ballot = self.ballot_progress()
        counted, final, results = self.results()
        stage = ("roll_call" if not quorum.closed else "ballot" if ballot.is_open else "results" if counted
                 else "preview")
        d = self.ctx.defn
        return ProjectorView(d.committee_name, d.rehearsal, stage, quorum, ballot, self.preview(), counted, final,
                             results)

    def outstanding(self) -> OutstandingView:
        """Who is still due now (see ``OutstandingView``)."""
        name = self.ctx.person_name
        marks = self.ctx.attendance()
        attending = self.ctx.attending_ids()
        unmarked = tuple(name(r.id) for r in self.ctx.defn.reviewers if r.id not in marks)
        pledged = self.opening.pledged_ids()
        pledges = tuple(name(r) for r in attending if r not in pledged)
        rnd = self.ballot.open_round()
        ballots: tuple[str, ...] = ()
        tally_due = ""
        if rnd is not None and is_paper(self.ctx):
            tally_due = self._tally_due(rnd)
        elif rnd is not None:
            done = self.ballot.voters_done(rnd.round_no)
            ballots = tuple(name(r) for r in self.ballot.entitled_voters() if r not in done)
        counted = self.ctx.outcome().main_round is not None
        sign_offs = tuple(name(r) for r in self.closing.sign_offs_missing()) if counted else ()
        return OutstandingView(unmarked, pledges, ballots, sign_offs, rnd is not None, counted, tally_due)

    def _tally_due(self, rnd: PollRound) -> str:
        """What a paper round's count still needs (``OutstandingView.tally_due``). Source: RULES.md §5 (the
        count); the two tellers and the supervisor's witness are common practice (docs/DESIGN.md "Paper
        ballots and tellers")."""
        state = tally_state_of(self.ctx, rnd)
        if state.complete:
            return t("tui.out_tally_witnessed" if witness_of(self.ctx, rnd.round_no) else "tui.out_tally_witness")
        if state.first is not None:
            return t("tui.out_tally_second", n=len(state.due), first=self.ctx.person_name(state.first),
                     pass_no=state.pass_no)
        if state.pass_no > 1:
            return t("tui.out_tally_recount", n=len(state.due), pass_no=state.pass_no)
        return t("tui.out_tally_first", n=len(state.due))
