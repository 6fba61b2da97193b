"""Participatory budget: cycles with dated phases, categories, projects, reviews, ballots, results.

Invariants kept by the database:

* one ballot per account per cycle: ``UniqueConstraint(cycle, voter_token)`` where ``voter_token``
  is ``HMAC(VOTER_TOKEN_KEY, cycle:user)`` — the ballot row never holds the user id; the token is
  erased when voting closes;
* one voice per *person* per cycle: the participation register (``verification.Participation``,
  primary key (process, person key)) takes a row in the same transaction as the ballot;
* receipt codes are unique; a project appears at most once on a ballot;
* money is integer kopiykas (``PositiveBigIntegerField``), costs are checked against category limits
  by the services.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from uchast.budget.errors import BudgetError
from uchast.core.models import Community, District
from uchast.core.timeline import Timeline


class Custody(models.TextChoices):
    """Who holds the private key that opens the cycle's sealed ballots (docs/budget.md)."""

    SERVER = "server", _("server key (an environment secret)")
    COMMISSION = "commission", _("commission key (shares of the counting commission)")


class Phase(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("budget phase", "in preparation")
    SUBMISSION = "submission", pgettext_lazy("budget phase", "submission of projects")
    REVIEW = "review", pgettext_lazy("budget phase", "review by officials")
    REVISION = "revision", pgettext_lazy("budget phase", "revision and appeals")
    VOTING = "voting", pgettext_lazy("budget phase", "voting")
    RESULTS = "results", pgettext_lazy("budget phase", "counting and results")
    IMPLEMENTATION = "implementation", pgettext_lazy("budget phase", "implementation")
    SUSPENDED = "suspended", pgettext_lazy("budget phase", "suspended")


#: Phases in the order dates move a cycle through them.
PHASE_ORDER = [
    Phase.DRAFT,
    Phase.SUBMISSION,
    Phase.REVIEW,
    Phase.REVISION,
    Phase.VOTING,
    Phase.RESULTS,
    Phase.IMPLEMENTATION,
]

#: The cycle's dated phases (``uchast.core.timeline``): each phase starts at its date; results start
#: when voting closes; implementation is entered by publishing the results.
TIMELINE: Timeline[Phase] = Timeline(
    order=tuple(PHASE_ORDER),
    starts=(
        (Phase.SUBMISSION, "submission_opens"),
        (Phase.REVIEW, "review_opens"),
        (Phase.REVISION, "revision_opens"),
        (Phase.VOTING, "voting_opens"),
        (Phase.RESULTS, "voting_closes"),
    ),
    suspended=Phase.SUSPENDED,
    refusal=BudgetError,
    messages={
        "already_suspended": _("The cycle is already suspended."),
        "not_suspended": _("The cycle is not suspended."),
    },
)


class DuplicateRule(models.TextChoices):
    """Which ballot counts when one person voted both online and on paper (the other is kept,
    flagged, for the counting commission to see)."""

    FIRST = "first", _("the ballot cast first counts")
    PAPER = "paper", _("the paper ballot counts")
    ONLINE = "online", _("the online ballot counts")


class BudgetCycle(models.Model):
    """One participatory budget (usually yearly). Dates are aware; each phase starts at its date.

    ``status`` is the current phase, or ``suspended`` (then ``suspended_from`` keeps the phase it
    was in and ``suspension_reason`` is public). ``rules_frozen_at`` is set when voting opens; from
    then on categories cannot change.
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="budget_cycles")
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    # Optional English versions, shown under the English interface (issue 14).
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    status = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.DRAFT)
    submission_opens = models.DateTimeField(_("submission opens"))
    review_opens = models.DateTimeField(_("review starts"))
    revision_opens = models.DateTimeField(_("revision starts"))
    voting_opens = models.DateTimeField(_("voting opens"))
    voting_closes = models.DateTimeField(_("voting closes"))
    conditions = models.CharField(
        _("voting conditions"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty for the default (verified, 14 or older, any basis)."),
    )
    suspended_from = models.CharField(max_length=20, choices=Phase.choices, blank=True)
    suspension_reason = models.TextField(_("reason for suspension"), blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    rules_frozen_at = models.DateTimeField(null=True, blank=True)
    results_published_at = models.DateTimeField(null=True, blank=True)
    support_threshold = models.PositiveIntegerField(
        _("supports needed before review"),
        default=0,
        help_text=_("0 = no support collection: every submitted project goes to review."),
    )
    support_opens = models.DateTimeField(
        _("support collection opens"),
        null=True,
        blank=True,
        help_text=_("Optional. Leave empty to collect supports during the whole submission phase."),
    )
    support_closes = models.DateTimeField(_("support collection closes"), null=True, blank=True)
    duplicate_rule = models.CharField(
        _("when one person voted online and on paper"),
        max_length=10,
        choices=DuplicateRule.choices,
        default=DuplicateRule.FIRST,
    )
    # Sealed ballots (``budget.sealing``): the public key every ballot is encrypted to (hex; set when
    # the commission key is made, or for a server key when voting opens), who holds the private key,
    # and for a commission key k, the members' names and a digest of each share (to recognise a wrong
    # share at the count; the shares themselves are never stored).
    custody = models.CharField(_("key custody"), max_length=12, choices=Custody.choices, default=Custody.SERVER)
    seal_public_key = models.CharField(max_length=64, blank=True)
    seal_threshold = models.PositiveSmallIntegerField(default=0)
    seal_members = models.JSONField(default=list, blank=True)
    seal_share_digests = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("budget cycle")
        verbose_name_plural = _("budget cycles")
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_suspended(self) -> bool:
        return self.status == Phase.SUSPENDED

    @property
    def conditions_override(self) -> str | None:
        return self.conditions or None


class BallotRule(models.TextChoices):
    UP_TO_N = "up_to_n", _("approve up to N projects")
    KNAPSACK = "knapsack", _("approve projects within the category's money")


class CountingRule(models.TextChoices):
    GREEDY = "greedy", _("greedy: most votes first, skipping what does not fit")
    MES = "mes", _("Method of Equal Shares with add-one completion")
    PHRAGMEN = "phragmen", _("sequential Phragmén")


class Category(models.Model):
    """A pot of money with its own ballot and counting rule. Frozen once voting opens."""

    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=200)
    budget = models.PositiveBigIntegerField(_("money (kopiykas)"))
    min_cost = models.PositiveBigIntegerField(_("minimum project cost (kopiykas)"), default=0)
    max_cost = models.PositiveBigIntegerField(_("maximum project cost (kopiykas)"))
    districts = models.ManyToManyField(District, blank=True, related_name="+", verbose_name=_("eligible districts"))
    ballot_rule = models.CharField(_("ballot rule"), max_length=20, choices=BallotRule.choices)
    max_selected = models.PositiveIntegerField(_("maximum projects on a ballot"), default=3)
    min_selected = models.PositiveIntegerField(_("minimum projects on a ballot"), default=1)
    counting_rule = models.CharField(_("counting rule"), max_length=20, choices=CountingRule.choices)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("project status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("project status", "submitted")
    NEEDS_REVISION = "needs_revision", pgettext_lazy("project status", "needs revision")
    APPEALED = "appealed", pgettext_lazy("project status", "appealed")
    ADMITTED = "admitted", pgettext_lazy("project status", "admitted to the vote")
    REJECTED = "rejected", pgettext_lazy("project status", "rejected")
    WINNER = "winner", pgettext_lazy("project status", "winner")
    NOT_SELECTED = "not_selected", pgettext_lazy("project status", "not selected")
    NOT_SUPPORTED = "not_supported", pgettext_lazy("project status", "not enough supports for review")


#: Statuses the public can see (drafts stay with their author).
PUBLIC_STATUSES = [s for s in ProjectStatus.values if s != ProjectStatus.DRAFT]


class Project(models.Model):
    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, related_name="projects")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="projects")
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Proposed on behalf of an organisation (its member's choice, shown publicly); votes and supports stay personal.
    on_behalf_of = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_projects",
        verbose_name=_("on behalf of"),
    )
    coauthors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="budget_coauthored", verbose_name=_("co-authors")
    )
    title = models.CharField(_("title"), max_length=200)
    address = models.CharField(_("address or location"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=500)
    description = models.TextField(_("full description"))
    expected_result = models.TextField(_("expected result"))
    beneficiaries = models.CharField(_("who benefits"), max_length=300)
    image = models.ImageField(_("image"), upload_to="budget/", blank=True)
    total_cost = models.PositiveBigIntegerField(_("total cost (kopiykas)"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT)
    rules_accepted = models.BooleanField(default=False)
    appeal_used = models.BooleanField(default=False)
    appeal_text = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    department = models.CharField(_("department"), max_length=200, blank=True)
    votes = models.PositiveIntegerField(default=0)
    supports = models.PositiveIntegerField(_("supports"), default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["pk"]
        indexes = [models.Index(fields=["cycle", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The project's page (core's comment permalinks send readers to it)."""
        from django.urls import reverse

        return reverse("budget:project", args=[self.pk])

    @property
    def community(self) -> Community:
        """Comments and notifications of core find the community through this."""
        return self.cycle.community


class ProjectSupport(models.Model):
    """One resident's support of a submitted project (before review, when the cycle asks for it).

    ``Project.supports`` is the count, kept with ``F()`` in the same transaction as this row."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="support_rows")
    supporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "supporter"], name="budget_one_support_per_resident")]


class CoauthorInvitation(models.Model):
    """An invitation to co-author a project, sent by e-mail. Only the SHA-256 of the random token is
    stored; the token travels in the e-mail link. Accepting needs the signed-in account to own the
    invited address as a verified e-mail. The author may revoke a pending invitation
    (``revoked_at``); its link then stops working."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]


class CostItem(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cost_items")
    description = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.PositiveBigIntegerField(_("unit price (kopiykas)"))
    corrected = models.BooleanField(default=False)  # a reviewer's corrected table

    class Meta:
        ordering = ["pk"]

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price


class Conclusion(models.TextChoices):
    ADMITTED = "admitted", _("admitted")
    NEEDS_REVISION = "needs_revision", _("needs revision")
    REJECTED = "rejected", _("rejected")


class Review(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    within_powers = models.BooleanField(_("within the council's powers"), default=False)
    community_property = models.BooleanField(_("on community property"), default=False)
    realistic_cost = models.BooleanField(_("realistic cost"), default=False)
    no_duplicate = models.BooleanField(_("does not duplicate other spending"), default=False)
    corrected_cost = models.PositiveBigIntegerField(_("corrected cost (kopiykas)"), null=True, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=20, choices=Conclusion.choices)
    public_reason = models.TextField(_("public reason"))
    is_appeal_decision = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class PaperBatch(models.Model):
    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, related_name="paper_batches")
    number = models.CharField(_("batch number"), max_length=40)
    place = models.CharField(_("place"), max_length=200)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "number"], name="budget_batch_number_unique")]
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.number


class BallotStatus(models.TextChoices):
    COUNTED = "counted", _("counted")
    FLAGGED = "flagged", _("flagged: the same person voted twice")
    REJECTED = "rejected", _("not counted")


class Ballot(models.Model):
    """One voter's ballot in one cycle, online or paper. Holds nothing that names its voter.

    - ``id`` is random (no order of casting), ``cast_on`` a day (no time).
    - ``voter_token`` = HMAC(VOTER_TOKEN_KEY, cycle:user) on online ballots, so the account can
      replace its ballot until voting closes; erased (NULL) when voting closes.
    - ``person_token`` = HMAC(VOTER_TOKEN_KEY, cycle:person key) on every ballot, so the cycle's
      duplicate rule can flag the other ballot of a person who voted online and on paper; erased
      when the results are published.
    - ``age_band`` and ``district_code`` are kept for turnout statistics only.

    Which ballots count is ``status``: the participation register decides (one counted voice per
    person), a later ballot of the same person is ``flagged`` and kept for the commission.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, related_name="ballots")
    voter_token = models.CharField(max_length=64, null=True, blank=True)
    person_token = models.CharField(max_length=64, blank=True)
    receipt_code = models.CharField(max_length=20)
    is_paper = models.BooleanField(default=False)
    # No index of its own: the partial unique (batch, position) index serves lookups by batch.
    batch = models.ForeignKey(
        PaperBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="ballots", db_index=False
    )
    batch_position = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=BallotStatus.choices, default=BallotStatus.COUNTED)
    age_band = models.CharField(max_length=10, blank=True)
    district_code = models.CharField(max_length=40, blank=True)
    # Ballots cast before sealing keep their choices as ``BallotChoice`` rows; every newer ballot
    # holds them only here, encrypted to the cycle's public key (``budget.sealing``).
    projects = models.ManyToManyField(Project, through="BallotChoice", related_name="+")
    sealed = models.BinaryField(null=True, blank=True)
    # Paper only, until the second entry agrees: HMAC of batch, position and choices
    # (``sealing.paper_digest``), so double entry compares without reading the sealed contents.
    check_digest = models.CharField(max_length=64, blank=True)
    cast_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "voter_token"],
                condition=Q(voter_token__isnull=False),
                name="budget_one_ballot_per_voter",
            ),
            models.UniqueConstraint(
                fields=["batch", "batch_position"],
                condition=Q(batch__isnull=False),
                name="budget_batch_position_unique",
            ),
            # Declared here rather than with unique=/db_index= on the fields: those add a second,
            # LIKE-pattern index on PostgreSQL that no query uses and every ballot insert must update.
            models.UniqueConstraint(fields=["receipt_code"], name="budget_receipt_unique"),
        ]
        # Paper ballots only: the duplicate rule looks them up by person; the online ballots of the
        # voting peak do not have to update an index for a lookup that only duplicates make.
        indexes = [
            models.Index(
                fields=["cycle", "person_token"], name="budget_ballot_paper_person", condition=Q(is_paper=True)
            ),
            # The flagged ballots staff decide on (the manage page, the count's refusal): a handful
            # among a city's 150,000, found without reading the cycle's ballots; a ballot cast
            # online is never flagged, so the peak writes nothing into this index.
            models.Index(fields=["cycle"], name="budget_ballot_flagged", condition=Q(status="flagged")),
        ]


class BallotChoice(models.Model):
    # A random id too: a sequential one would give the order in which ballots were cast.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: the unique (ballot, project) index starts with it.
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices", db_index=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "project"], name="budget_choice_unique")]


class PaperCheckEntry(models.Model):
    """The second staff member's independent entry of a paper ballot (double entry)."""

    batch = models.ForeignKey(PaperBatch, on_delete=models.CASCADE, related_name="check_entries")
    batch_position = models.PositiveIntegerField()
    # The choices as a keyed digest (``sealing.paper_digest``), erased once it matched the first
    # entry (``matched``): the contents of a paper ballot are nowhere in the clear.
    digest = models.CharField(max_length=64, blank=True)
    matched = models.BooleanField(default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "batch_position"], name="budget_check_position_unique")]


class CategoryResult(models.Model):
    """The count of one category: the tally outcome (JSON) and its Pabulib file with SHA-256."""

    category = models.OneToOneField(Category, on_delete=models.CASCADE, related_name="result")
    outcome = models.JSONField()
    pabulib = models.TextField()
    sha256 = models.CharField(max_length=64)
    counted_at = models.DateTimeField(auto_now=True)


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    BLOCKED = "blocked", _("blocked")


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=MilestoneStatus.choices)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    contracted = models.PositiveBigIntegerField(_("money contracted (kopiykas)"), default=0)
    spent = models.PositiveBigIntegerField(_("money spent (kopiykas)"), default=0)
    update = models.TextField(_("update"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="budget_progress_le_100")]
