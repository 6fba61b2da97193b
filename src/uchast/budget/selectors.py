"""Reads of the participatory budget. List selectors return only what the visitor may see."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Substr
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from uchast.accounts.models import Role, User
from uchast.budget.actions import BudgetAction
from uchast.budget.models import (
    PHASE_ORDER,
    PUBLIC_STATUSES,
    TIMELINE,
    Ballot,
    BallotStatus,
    BudgetCycle,
    Category,
    CategoryResult,
    CoauthorInvitation,
    PaperBatch,
    PaperCheckEntry,
    Phase,
    Project,
    ProjectStatus,
    ProjectSupport,
)
from uchast.budget.tokens import normalise_receipt, receipt_voter_id
from uchast.core import memo
from uchast.core.models import Community
from uchast.core.registry import ProcessCard, day_words, last_day
from uchast.core.templatetags.content import localized
from uchast.core.timeline import PhaseState
from uchast.organisations.activity import ActivityItem
from uchast.verification.selectors import has_participated


def cycles_of(community: Community, *, include_drafts: bool = False) -> QuerySet[BudgetCycle]:
    """Cycles of the community; those in preparation only for staff (``include_drafts``)."""
    qs = BudgetCycle.objects.filter(community=community)
    return qs if include_drafts else qs.exclude(status=Phase.DRAFT)


def access_cycle(user: Any, community: Community | None, pk: int) -> BudgetCycle:
    """The cycle, or 404. Cycles in preparation are visible to budget staff only."""
    cycle = BudgetCycle.objects.select_related("community").filter(community=community, pk=pk).first()
    if cycle is None or (cycle.status == Phase.DRAFT and not (user and user.has_perm("budget.manage"))):
        raise Http404
    return cycle


def collection_phase(cycle: BudgetCycle) -> Phase:
    """The phase that decides support collection: the current one, or the one a suspension paused."""
    return TIMELINE.effective_phase(PhaseState.of(cycle))


def support_rules_editable(cycle: BudgetCycle) -> bool:
    """Whether staff may still set the support collection (see ``services.cycle_set_supports``)."""
    return collection_phase(cycle) in (Phase.DRAFT, Phase.SUBMISSION)


def supports_open(cycle: BudgetCycle, now: datetime | None = None) -> bool:
    """Supports are collected while the cycle is in submission and, if the cycle has a support
    window, inside it."""
    if cycle.support_threshold <= 0 or cycle.status != Phase.SUBMISSION:
        return False
    now = now or timezone.now()
    if cycle.support_opens is not None and now < cycle.support_opens:
        return False
    return not (cycle.support_closes is not None and now >= cycle.support_closes)


#: Seconds a worker keeps a voting cycle and its admitted projects (see ``uchast.core.memo``).
VOTING_MEMO_SECONDS = 5.0


def cycle_for_ballot(user: Any, community: Community | None, pk: int) -> BudgetCycle:
    """``access_cycle`` for casting a ballot: while the cycle is voting, a copy memoised by the
    worker for a few seconds. Safe because the ballot statement re-checks phase, dates and
    conditions in the database as it writes (``services.ballot_cast``)."""
    if community is None:
        raise Http404
    key = ("budget-voting-cycle", community.pk, pk)
    cycle = memo.remember(key, VOTING_MEMO_SECONDS, lambda: access_cycle(user, community, pk))
    if cycle.status != Phase.VOTING:
        memo.forget_key(key)  # only voting cycles are worth keeping; other phases are read fresh
    return cycle


def admitted_projects(cycle: BudgetCycle, *, memoised: bool = True) -> dict[int, Project]:
    """The projects on the vote, by id, with their category. Once voting has opened the rules are
    frozen and no project can change (every project write is refused outside submission, review
    and revision), so while the cycle is voting the answer is memoised by the worker."""

    def load() -> dict[int, Project]:
        projects = Project.objects.select_related("category").filter(cycle=cycle, status=ProjectStatus.ADMITTED)
        return {p.pk: p for p in projects}

    if not memoised or cycle.status != Phase.VOTING or cycle.rules_frozen_at is None:
        return load()
    return memo.remember(("budget-admitted", cycle.pk, cycle.rules_frozen_at), VOTING_MEMO_SECONDS * 12, load)


def access_project(user: Any, community: Community | None, pk: int) -> Project:
    """The project if the user may see it; 404 otherwise (existence is not leaked)."""
    project = (
        Project.objects.select_related("cycle__community", "category", "district")
        .filter(cycle__community=community, pk=pk)
        .first()
    )
    if project is None or not user.has_perm("budget.view_project", project):
        raise Http404
    return project


def is_project_editor(project: Project, user: Any) -> bool:
    """The author or an accepted co-author."""
    if getattr(user, "pk", None) is None:
        return False
    return project.author_id == user.pk or project.coauthors.filter(pk=user.pk).exists()


@dataclass(frozen=True)
class ProjectFilters:
    category: int | None = None
    district: str = ""
    status: str = ""
    max_cost: int | None = None
    search: str = ""


_Item = TypeVar("_Item")


def public_projects(cycle: BudgetCycle, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    """Projects the public sees, filtered; one query with category and district joined."""
    filters = filters or ProjectFilters()
    qs = Project.objects.filter(cycle=cycle, status__in=PUBLIC_STATUSES).select_related("category", "district")
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.district:
        qs = qs.filter(district__code=filters.district)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.max_cost is not None:
        qs = qs.filter(total_cost__lte=filters.max_cost)
    if filters.search:
        qs = qs.filter(Q(title__icontains=filters.search) | Q(summary__icontains=filters.search))
    return qs


def order_for_visitor(items: list[_Item], seed: str) -> list[_Item]:
    """Projects (or their ids) in a random order that stays the same for one visitor (seed from
    their session)."""
    return sorted(items, key=lambda item: hashlib.sha256(f"{seed}:{getattr(item, 'pk', item)}".encode()).digest())


def my_projects(cycle: BudgetCycle, user: Any) -> QuerySet[Project]:
    if not getattr(user, "is_authenticated", False):
        return Project.objects.none()
    return Project.objects.filter(cycle=cycle, author=user).select_related("category")


def ballot_categories(cycle: BudgetCycle) -> list[tuple[Category, list[Project]]]:
    """Categories with their admitted projects, by id (two queries)."""
    admitted = Project.objects.filter(status=ProjectStatus.ADMITTED).select_related("district")
    categories = cycle.categories.prefetch_related(Prefetch("projects", queryset=admitted))
    return [(category, list(category.projects.all())) for category in categories]


def current_ballot(cycle: BudgetCycle, token: str) -> Ballot | None:
    return Ballot.objects.filter(cycle=cycle, voter_token=token).prefetch_related("choices").first()


def ballot_by_receipt(cycle: BudgetCycle, receipt: str) -> Ballot | None:
    return (
        Ballot.objects.filter(cycle=cycle, receipt_code=receipt).prefetch_related("choices__project__category").first()
    )


@dataclass(frozen=True)
class ReceiptFound:
    """A ballot found by its receipt, as the published files show it (page and API alike)."""

    voter_id: str
    lines: list[tuple[str, str]]  # (category name, the ballot's line in that category's Pabulib file)
    projects: list[Project]


def receipt_lookup(cycle: BudgetCycle, receipt: str) -> ReceiptFound | None:
    """The ballot of ``receipt`` as the published files show it, or None when no ballot of the cycle
    has that code. The ballot is sealed: what it chose is what the files say for its voter id."""
    code = normalise_receipt(receipt)
    if ballot_by_receipt(cycle, code) is None:
        return None
    voter_id = receipt_voter_id(code)
    lines = published_lines(cycle, voter_id)
    chosen = {int(pk) for _name, line in lines for pk in line.split(";")[1].split(",") if pk.strip().isdigit()}
    projects = list(Project.objects.filter(pk__in=chosen).select_related("category").order_by("pk"))
    return ReceiptFound(voter_id, lines, projects)


#: How much of a published file is read from the start of a voter's line: more than any VOTES row
#: (a voter id and the ids of the category's chosen projects) and never the whole file.
_LINE_READ = 65_536


def published_lines(cycle: BudgetCycle, voter_id: str) -> list[tuple[str, str]]:
    """``(category name, line)`` for every line of the cycle's published Pabulib files that is
    ``voter_id``'s vote, found by the database: a city's files are megabytes, and a receipt check,
    open to anyone, must not carry them all to the server for one line."""
    found = (
        CategoryResult.objects.filter(category__cycle=cycle)
        .annotate(at=StrIndex("pabulib", Value(f"\n{voter_id};")))
        .filter(at__gt=0)
        .annotate(rest=Substr("pabulib", F("at") + 1, _LINE_READ))
        .order_by("category__position", "category_id")
        .values_list("category__name", "rest")
    )
    return [(name, rest.split("\n", 1)[0]) for name, rest in found]


def results_of(cycle: BudgetCycle, *, outcome: bool = False) -> list[CategoryResult]:
    """The counted categories, never with the Pabulib file and with the outcome only when asked for:
    both grow with the ballots and projects (a city's 150,000 ballots make 8 MB of files), and no
    list needs the files (a download reads its own, :func:`pabulib_of`; a receipt its lines,
    :func:`published_lines`)."""
    qs = CategoryResult.objects.filter(category__cycle=cycle).select_related("category")
    qs = qs.defer("pabulib") if outcome else qs.defer("pabulib", "outcome")
    return list(qs.order_by("category__position", "category_id"))


def pabulib_of(cycle: BudgetCycle, category_pk: int) -> str | None:
    """One category's published Pabulib file, or None when that category has not been counted; the
    other categories' files are not read."""
    return (
        CategoryResult.objects.filter(category__cycle=cycle, category_id=category_pk)
        .values_list("pabulib", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: int  # of the largest bar, for the SVG width


@dataclass(frozen=True)
class Turnout:
    online: int
    paper: int
    by_age: list[Bar]
    by_district: list[Bar]
    min_group: int = 0  # groups smaller than this are combined (settings.UCHAST_TURNOUT_MIN_GROUP)
    combined: bool = False  # some group was combined

    @property
    def total(self) -> int:
        return self.online + self.paper


def combine_small_groups(counter: Counter[str], k: int) -> tuple[list[tuple[str, int]], int]:
    """Groups shown on their own (sorted by key) and the combined count of the others (0 = none).

    A group with fewer than ``k`` ballots could single out the few people in it, so it is combined.
    The combined count must itself hold at least ``k`` ballots of at least two groups: otherwise,
    with the total public, subtracting would give the small group back; the smallest remaining
    groups join it until it does (or everything is combined, which is the public total)."""
    shown = dict(counter)
    combined = {key: value for key, value in shown.items() if value < k}
    if not combined:
        return sorted(shown.items()), 0
    for key in combined:
        del shown[key]
    while shown and (sum(combined.values()) < k or len(combined) < 2):
        smallest = min(shown, key=lambda key: (shown[key], key))
        combined[smallest] = shown.pop(smallest)
    return sorted(shown.items()), sum(combined.values())


def _bars(counter: Counter[str], labels: dict[str, str], k: int) -> tuple[list[Bar], bool]:
    groups, rest = combine_small_groups(counter, k)
    values = [(labels.get(key, key) or _("not stated"), value) for key, value in groups]
    if rest:
        label = pgettext("turnout", "smaller groups combined") if values else pgettext("turnout", "all groups combined")
        values.append((label, rest))
    top = max((value for _label, value in values), default=0) or 1
    return [Bar(label, value, round(100 * value / top)) for label, value in values], bool(rest)


def turnout(cycle: BudgetCycle) -> Turnout:
    """Counted ballots online and on paper; online ones by age band and district, with groups under
    ``settings.UCHAST_TURNOUT_MIN_GROUP`` ballots combined (see :func:`combine_small_groups`).

    Grouped in the database (a handful of rows, not one per ballot: a Kyiv-sized cycle has 150,000),
    and kept in the cache once results are published, when the ballots cannot change any more."""
    if cycle.results_published_at is None:
        return _turnout(cycle)
    # Per language (the bars carry translated labels) and smallest group shown.
    published = cycle.results_published_at.timestamp()
    key = f"budget-turnout:{cycle.pk}:{published}:{get_language()}:{settings.UCHAST_TURNOUT_MIN_GROUP}"
    return cast(Turnout, cache.get_or_set(key, lambda: _turnout(cycle), timeout=24 * 3600))


def _turnout(cycle: BudgetCycle) -> Turnout:
    groups = (
        Ballot.objects.filter(cycle=cycle, status=BallotStatus.COUNTED)
        .values_list("is_paper", "age_band", "district_code")
        .annotate(ballots=Count("pk"))
        .order_by()
    )
    online_by_age: Counter[str] = Counter()
    online_by_district: Counter[str] = Counter()
    paper = 0
    for is_paper, band, district, ballots in groups:
        if is_paper:
            paper += ballots
            continue
        online_by_age[band] += ballots
        online_by_district[district] += ballots
    districts = {d.code: d.name for d in cycle.community.districts.all()}
    k = settings.UCHAST_TURNOUT_MIN_GROUP
    by_age, age_combined = _bars(online_by_age, {}, k)
    by_district, district_combined = _bars(online_by_district, districts, k)
    return Turnout(
        online=sum(online_by_age.values()),
        paper=paper,
        by_age=by_age,
        by_district=by_district,
        min_group=k,
        combined=age_combined or district_combined,
    )


def pending_invitations(project: Project) -> list[CoauthorInvitation]:
    """Invitations of the project still waiting: not accepted, not withdrawn, not expired."""
    return list(
        project.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("pk")
    )


def reviewers() -> list[Any]:
    """The accounts a project can be assigned to for review: active officials."""
    return list(User.objects.filter(groups__name=Role.OFFICIAL, is_active=True).order_by("pk"))


def flagged_ballots(cycle: BudgetCycle) -> QuerySet[Ballot]:
    return Ballot.objects.filter(cycle=cycle, status=BallotStatus.FLAGGED).select_related("batch")


@dataclass(frozen=True)
class Mismatch:
    """A position of a batch whose entries do not agree yet: ``problem`` is ``no_second`` (only the
    first entry), ``no_first`` (only the second) or ``differ``. The choices are not shown: the first
    entry is sealed; the paper decides (``services.paper_mismatch_resolve``)."""

    position: int
    problem: str


def paper_mismatches(batch: PaperBatch) -> list[Mismatch]:
    """Positions of a paper batch where the two entries differ, or where only one exists."""
    first = set(batch.ballots.exclude(check_digest="").values_list("batch_position", flat=True))
    entered = set(batch.ballots.values_list("batch_position", flat=True))
    second = set(batch.check_entries.filter(matched=False).values_list("batch_position", flat=True))
    out = []
    for position in sorted(int(p or 0) for p in first | second):
        if position not in second:
            problem = "no_second"
        elif position not in entered:
            problem = "no_first"
        else:
            problem = "differ"
        out.append(Mismatch(position, problem))
    return out


def unsettled_batches(cycle: BudgetCycle) -> QuerySet[PaperBatch]:
    """Batches with a position whose two entries disagree or where one of them is missing, by
    number: found in the database (subqueries), not by reading every paper ballot's batch."""
    ballots = Ballot.objects.filter(cycle=cycle, is_paper=True).exclude(check_digest="").values("batch_id")
    entries = PaperCheckEntry.objects.filter(batch__cycle=cycle, matched=False).values("batch_id")
    return PaperBatch.objects.filter(Q(pk__in=ballots) | Q(pk__in=entries)).order_by("number")


def unsettled_paper(cycle: BudgetCycle) -> list[PaperBatch]:
    """Every unsettled batch (:func:`unsettled_batches`)."""
    return list(unsettled_batches(cycle))


def review_refusal(project: Project) -> str:
    """Why no review can be recorded for the project now ("" when one can): the conclusion form is
    offered only where ``services.review_record`` would accept it."""
    if project.status not in (ProjectStatus.SUBMITTED, ProjectStatus.APPEALED):
        return _("This project is not waiting for a review.")
    if project.cycle.status not in (Phase.REVIEW, Phase.REVISION):
        return _("Reviews are recorded during the review and revision phases.")
    return ""


def phase_choices(cycle: BudgetCycle) -> list[tuple[str, str, bool]]:
    """The phases staff may move the cycle to by hand, as (value, label, preselected): never the
    current one, before voting once its rules are frozen, or implementation before publication;
    the next phase in order is preselected."""
    current = PHASE_ORDER.index(Phase(cycle.status)) if cycle.status in PHASE_ORDER else -1
    allowed = [
        phase
        for phase in PHASE_ORDER[1:]
        if phase != cycle.status
        and not (cycle.rules_frozen_at and PHASE_ORDER.index(phase) < PHASE_ORDER.index(Phase.VOTING))
        and not (phase == Phase.IMPLEMENTATION and cycle.results_published_at is None)
    ]
    following = [p for p in allowed if PHASE_ORDER.index(p) > current]
    chosen = following[0] if following else None
    return [(str(p.value), str(p.label), p == chosen) for p in allowed]


def _card_action(cycle: BudgetCycle, now: datetime) -> tuple[str, str] | None:
    """The one thing a resident can do in the cycle now and its deadline, or None when nothing is
    open for action (a suspended cycle, review, counting, or a phase whose closing date has passed
    before the scheduler moved it on)."""
    from django.urls import reverse

    if cycle.status == Phase.VOTING and now < cycle.voting_closes:
        day = day_words(last_day(cycle.voting_closes))
        return _("Vote until %(day)s") % {"day": day}, reverse("budget:vote", args=[cycle.pk])
    if cycle.status == Phase.SUBMISSION and now < cycle.review_opens:
        day = day_words(last_day(cycle.review_opens))
        return _("Propose a project until %(day)s") % {"day": day}, reverse("budget:project_new", args=[cycle.pk])
    return None


def open_process_cards(community: Community, user: Any) -> list[ProcessCard]:
    """Cycles open for action now (voting or submission; never a suspended one), soonest deadline first."""
    from django.urls import reverse

    now = timezone.now()
    cards = []
    for cycle in cycles_of(community).filter(status__in=[Phase.VOTING, Phase.SUBMISSION]):
        action = _card_action(cycle, now)
        if action is None:
            continue
        cards.append(
            ProcessCard(
                title=localized(cycle, "title").text,
                lang=localized(cycle, "title").lang,
                url=reverse("budget:cycle", args=[cycle.pk]),
                target=cycle,
                kind=_("Participatory budget"),
                status=cycle.get_status_display(),
                action=action[0],
                action_url=action[1],
            )
        )
    return cards[:3]


def personal_data(user: Any) -> dict[str, Any]:
    """For "download my data": the person's projects and the cycles in which they voted (found in the
    participation register through their person key while the cycle's vote runs; the ballot and its
    choices stay secret and are not exported)."""
    projects = [
        {"id": p.pk, "cycle": p.cycle.title, "title": p.title, "status": p.status, "cost_kopiykas": p.total_cost}
        for p in Project.objects.filter(author=user).select_related("cycle")
    ]
    voted = [
        cycle.title
        for cycle in BudgetCycle.objects.select_related("community")
        if has_participated(user, cycle.community, BudgetAction.VOTE, cycle.pk)
    ]
    supported = list(
        ProjectSupport.objects.filter(supporter=user).order_by("pk").values_list("project__title", flat=True)
    )
    coauthored = list(Project.objects.filter(coauthors=user).order_by("pk").values_list("title", flat=True))
    return {"projects": projects, "voted_in": voted, "supported": supported, "coauthored": coauthored}


def organisation_activity(organisation: Any) -> list[ActivityItem]:
    """The public projects proposed on behalf of ``organisation`` (its profile lists them)."""
    found = Project.objects.filter(on_behalf_of=organisation, status__in=PUBLIC_STATUSES).order_by("-pk")[:50]
    return [ActivityItem(_("Budget project"), p.title, reverse("budget:project", args=[p.pk]), None) for p in found]
