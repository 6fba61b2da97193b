"""Statement voting, one statement at a time, and the live opinion map."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.consultations import selectors, services
from uchast.consultations.actions import ConsultationAction
from uchast.consultations.forms import StatementForm
from uchast.consultations.models import Consultation, VoteValue
from uchast.consultations.opinionmap import opinion_view
from uchast.consultations.predicates import decision_for
from uchast.consultations.views.common import consultation_of, permitted
from uchast.core.pagination import keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action


def _statement_rows(request: UchastRequest, consultation: Consultation) -> dict[str, object]:
    """A keyset page of the statements with their vote counts: hundreds of statements and their
    hundreds of thousands of votes are counted a page at a time."""
    page = keyset_page(selectors.statements_with_counts(consultation), request, order=("pk",))
    return {"rows": page.items, "page": page}


@require_http_methods(["GET", "POST"])
@public_view
def statements(request: UchastRequest, pk: int) -> HttpResponse:
    """One statement at a time: the next one the person has not voted on; below, the form to add one."""
    consultation = consultation_of(request, pk)
    user = request.user
    form = StatementForm(request.POST or None)
    return form_action(
        request,
        form,
        permitted(
            request,
            "consultations.add_statement",
            consultation,
            _("You cannot add statements: the consultation is not open or you are not eligible."),
            lambda: services.statement_create(
                author=user,
                consultation=consultation,
                text=form.cleaned_data["text"],
                by_council=user.has_perm("consultations.manage"),
            ),
        ),
        template="consultations/statements.html",
        context={
            "c": consultation,
            "statement": selectors.next_statement(consultation, user),
            "choices": VoteValue.choices,
            "can_vote": user.has_perm(ConsultationAction.VOTE_STATEMENT.permission, consultation),
            "can_add": user.has_perm("consultations.add_statement", consultation),
            "can_moderate": user.has_perm("core.moderate"),
            "decision": decision_for(user, consultation, ConsultationAction.VOTE_STATEMENT),
            "opinion": opinion_view(consultation),
            **_statement_rows(request, consultation),
        },
        success=_("Your statement is added. Others can now vote on it."),
        to=reverse("consultations:statements", args=[consultation.pk]),
        error_field="text",
    )


@require_safe
@public_view
def opinion_fragment(request: UchastRequest, pk: int) -> HttpResponse:
    """The map and its text alternative alone; refresh.js refreshes it while the page is open."""
    consultation = consultation_of(request, pk)
    return render(
        request,
        "consultations/_opinion_live.html",
        {"c": consultation, "opinion": opinion_view(consultation)},
    )


@require_POST
@permission_required("core.view_public")
def statement_vote(request: UchastRequest, pk: int) -> HttpResponse:
    statement = selectors.access_statement(request.user, request.community, pk)
    try:
        value = int(request.POST.get("value", "x"))
    except ValueError:
        value = 99  # refused by the service with its message
    return post_action(
        request,
        permitted(
            request,
            ConsultationAction.VOTE_STATEMENT.permission,
            statement.consultation,
            _("You cannot vote: the consultation is not open or you are not eligible."),
            lambda: services.statement_vote(user=request.user, statement=statement, value=value),
        ),
        success="",
        to=reverse("consultations:statements", args=[statement.consultation_id]),
    )
