"""Thin views of verification: the resident's ways to confirm residence, and the staff pages.

Most act through ``uchast.core.web`` (``form_action``, ``post_action``). Three keep their own shape
on purpose: ``document`` (a file whose refusal belongs on the file field), the two OIDC steps (a
redirect to the provider and back) and the staff pages whose success is a page, not a redirect
(the printed code sheet, the census import report, a provider's settings with an error per field).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from uchast.accounts.decorators import reauthentication_required
from uchast.accounts.throttle import client_ip
from uchast.core.navigation import safe_next
from uchast.core.pagination import keyset_page
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.core.web import UchastRequest, form_action, post_action
from uchast.verification import oidc, selectors, services
from uchast.verification.forms import (
    CensusForm,
    CensusImportForm,
    CodeBatchForm,
    CodeForm,
    DocumentForm,
    OidcProviderForm,
    PersonNumberForm,
    QueueFilterForm,
    ReasonForm,
)
from uchast.verification.methods import METHODS, enabled_methods, is_enabled, method_entries
from uchast.verification.models import OidcProvider, VerificationStatus

NEXT_KEY = "verification_next"


def _remember_next(request: UchastRequest) -> None:
    target = safe_next(request, request.GET.get("next", ""))
    if target:
        request.session[NEXT_KEY] = target


def _next_url(request: UchastRequest) -> str:
    """Where a confirmed resident goes: the page that sent them here (remembered), else the start."""
    return safe_next(request, request.session.pop(NEXT_KEY, "")) or reverse("verification:start")


def _require_method(request: UchastRequest, name: str) -> None:
    if not is_enabled(request.community, name):
        raise Http404


@require_safe
@permission_required("verification.view_own")
def start(request: UchastRequest) -> HttpResponse:
    """The resident's verification status and history, and the ways to confirm residence."""
    community = request.community
    _remember_next(request)
    history = selectors.verification_history(request.user, community)
    current = next((v for v in history if v.status == VerificationStatus.ACTIVE), None)
    pending = next((v for v in history if v.status == VerificationStatus.PENDING), None)
    return render(
        request,
        "verification/start.html",
        {"current": current, "pending": pending, "history": history, "methods": method_entries(community)},
    )


@require_http_methods(["GET", "POST"])
@permission_required("verification.view_own")
def document(request: UchastRequest) -> HttpResponse:
    """Not ``form_action``: a refused file belongs on the file field, other refusals on the form."""
    community = request.community
    _require_method(request, "document")
    _remember_next(request)
    form = DocumentForm(request.POST or None, request.FILES or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.document_submit(
                user=request.user,
                community=community,
                document_kind=data["document_kind"],
                number_kind=data["number_kind"],
                number=data["number"],
                birth_date=data["birth_date"],
                district=data["district"],
                upload=data["file"],
                person_kind=data["person_kind"],
                person_number=data["person_number"],
            )
        except services.VerificationError as error:
            fields = {"bad_number": "number", "bad_file": "file", "bad_person_number": "person_number"}
            form.add_error(fields.get(error.code), error.message)
        else:
            messages.success(
                request, _("Thank you. Staff will check your document and you will see the decision here.")
            )
            return redirect("verification:start")
    return render(
        request, "verification/document.html", {"form": form, "method": METHODS["document"], "multipart": True}
    )


def _confirm(
    request: UchastRequest,
    method: str,
    form: forms.Form,
    claim: Callable[[dict[str, Any]], object],
    *,
    error_field: str | None = None,
) -> HttpResponse:
    """A method that confirms at once (census list, code): the form, then back where the person
    came from. ``claim`` gets the form's values and calls the method's service."""
    _require_method(request, method)
    _remember_next(request)
    return form_action(
        request,
        form,
        lambda: claim(form.cleaned_data),
        template=f"verification/{method}.html",
        context={"method": METHODS[method]},
        success=_("You are confirmed. Thank you."),
        to=lambda _verification: _next_url(request),
        error_field=error_field,
    )


@require_http_methods(["GET", "POST"])
@permission_required("verification.view_own")
def census(request: UchastRequest) -> HttpResponse:
    return _confirm(
        request,
        "census",
        CensusForm(request.POST or None),
        lambda data: services.census_claim(
            user=request.user,
            community=request.community,
            kind=data["number_kind"],
            number=data["number"],
            birth_date=data["birth_date"],
            ip=client_ip(request),
            person_kind=data["person_kind"],
            person_number=data["person_number"],
        ),
    )


@require_http_methods(["GET", "POST"])
@permission_required("verification.view_own")
def code(request: UchastRequest) -> HttpResponse:
    ip = client_ip(request)
    return _confirm(
        request,
        "code",
        CodeForm(request.POST or None),
        lambda data: services.code_redeem(user=request.user, community=request.community, ip=ip, **data),
        error_field="code",
    )


@require_http_methods(["GET", "POST"])
@permission_required("verification.view_own")
def person_number(request: UchastRequest) -> HttpResponse:
    """Add the person number to a confirmation without one (it is what lets the person decide)."""
    _remember_next(request)
    form = PersonNumberForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.verification_add_person_number(
            user=request.user,
            community=request.community,
            kind=form.cleaned_data["person_kind"],
            number=form.cleaned_data["person_number"],
        ),
        template="verification/person_number.html",
        success=_("Your person number is added. Thank you."),
        to=lambda _verification: _next_url(request),
        error_field="person_number",
    )


def _oidc_redirect_uri(request: UchastRequest) -> str:
    return request.build_absolute_uri(reverse("verification:oidc_callback"))


@require_safe
@never_cache
@permission_required("verification.view_own")
def oidc_start(request: UchastRequest, slug: str) -> HttpResponse:
    community = request.community
    _require_method(request, "oidc")
    _remember_next(request)
    provider = OidcProvider.objects.filter(community=community, slug=slug, enabled=True).first()
    if provider is None:
        raise Http404
    try:
        url = oidc.begin(request.session, provider, _oidc_redirect_uri(request))
    except services.VerificationError as error:
        messages.error(request, error.message)
        return redirect("verification:start")
    return HttpResponseRedirect(url)


@require_safe
@never_cache
@permission_required("verification.view_own")
def oidc_callback(request: UchastRequest) -> HttpResponse:
    community = request.community
    _require_method(request, "oidc")
    try:
        oidc.complete(
            request.session,
            user=request.user,
            community=community,
            params={k: request.GET.get(k, "") for k in ("state", "code", "error")},
            redirect_uri=_oidc_redirect_uri(request),
        )
    except services.VerificationError as error:
        messages.error(request, error.message)
        return redirect("verification:start")
    messages.success(request, _("You are confirmed. Thank you."))
    return redirect(_next_url(request))


@require_safe
@public_view
def privacy(request: UchastRequest) -> HttpResponse:
    return render(
        request,
        "verification/privacy.html",
        {
            "retention_days": services.DOCUMENT_RETENTION_DAYS,
            "validity_days": services.DEFAULT_VALIDITY_DAYS,
            "max_mb": services.DOCUMENT_MAX_BYTES // (1024 * 1024),
        },
    )


# --- Staff ----------------------------------------------------------------------------------

#: Rows per page of the staff queue's two lists.
QUEUE_PAGE = 50


@require_safe
@permission_required("verification.review")
def staff_queue(request: UchastRequest) -> HttpResponse:
    """The documents waiting (oldest first) and the confirmations (newest first), each a keyset page
    of :data:`QUEUE_PAGE` (a city has a hundred thousand confirmations), and how many census
    entries are locked."""
    community = request.community
    filters = QueueFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    people = selectors.staff_verifications(
        community,
        status=values.get("status", ""),
        basis=values.get("basis", ""),
        method=values.get("method", ""),
    )
    return render(
        request,
        "verification/staff_queue.html",
        {
            "pending": keyset_page(
                selectors.pending_documents(community),
                request,
                order=("verification__created_at", "pk"),
                param="documents",
                size=QUEUE_PAGE,
            ),
            "people": keyset_page(people, request, order=("-created_at", "-pk"), param="after", size=QUEUE_PAGE),
            "filters": filters,
            "locked_entries": selectors.locked_census_entries(community).count(),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("verification.review")
def staff_document(request: UchastRequest, pk: int) -> HttpResponse:
    """A pending document: approve (a button) or reject with a reason (a form)."""
    submission = selectors.access_submission(request.user, request.community, pk)
    if request.POST.get("decision") == "approve":
        return post_action(
            request,
            lambda: services.document_approve(submission=submission, actor=request.user),
            success=_("Approved. The document was deleted."),
            to="verification:staff_queue",
        )
    form = ReasonForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.document_reject(submission=submission, actor=request.user, **form.cleaned_data),
        template="verification/staff_document.html",
        context={"submission": submission, "reject_form": form},
        success=_("Rejected. The document was deleted."),
        to="verification:staff_queue",
    )


@require_safe
@never_cache
@permission_required("verification.review")
def staff_document_file(request: UchastRequest, pk: int) -> HttpResponseBase:
    """Streams the private scan to a reviewer while the request is pending; never cached."""
    submission = selectors.access_submission(request.user, request.community, pk)
    if submission.verification.status != VerificationStatus.PENDING or not submission.file:
        raise Http404
    name = submission.file.name or ""
    content_type = (
        "application/pdf" if name.endswith(".pdf") else ("image/png" if name.endswith(".png") else "image/jpeg")
    )
    response = FileResponse(submission.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response


@require_http_methods(["GET", "POST"])
@permission_required("verification.revoke")
def staff_verification(request: UchastRequest, pk: int) -> HttpResponse:
    verification = selectors.access_verification(request.user, request.community, pk)
    form = ReasonForm(request.POST or None)
    return form_action(
        request,
        form,
        lambda: services.verification_revoke(verification=verification, actor=request.user, **form.cleaned_data),
        template="verification/staff_verification.html",
        context={"verification": verification},
        success=_("The confirmation was revoked."),
        to="verification:staff_queue",
    )


@require_http_methods(["GET", "POST"])
@permission_required("verification.issue_codes")
def staff_codes(request: UchastRequest) -> HttpResponse:
    community = request.community
    form = CodeBatchForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            batch, codes = services.code_batch_create(community=community, actor=request.user, **form.cleaned_data)
        except services.VerificationError as error:
            form.add_error(None, error.message)
        else:
            # The sheet is shown once: the codes are not stored, only their keyed hashes.
            code_url = request.build_absolute_uri(reverse("verification:code"))
            response = render(
                request, "verification/code_sheet.html", {"batch": batch, "codes": codes, "code_url": code_url}
            )
            response["Cache-Control"] = "no-store, private"
            return response
    # Sheets pile up over the years, each counting its used codes: a page of them, the newest first.
    batches = keyset_page(selectors.code_batches(community), request, order=("-created_at", "-pk"))
    return render(request, "verification/staff_codes.html", {"form": form, "batches": batches})


@require_http_methods(["GET", "POST"])
@permission_required("verification.import_census")
def staff_census(request: UchastRequest) -> HttpResponse:
    community = request.community
    form = CensusImportForm(request.POST or None, request.FILES or None)
    report = None
    errors: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            report = services.census_import(
                community=community, actor=request.user, data=form.cleaned_data["file"].read()
            )
        except services.CensusImportError as error:
            errors = error.errors
            form.add_error("file", error.message)
    return render(
        request,
        "verification/staff_census.html",
        {
            "form": form,
            "report": report,
            "errors": errors,
            "last_import": selectors.last_census_import(community),
            "size": selectors.census_size(community),
            # Failed claims can lock many entries (someone trying numbers): a page, oldest first.
            "locked": keyset_page(selectors.locked_census_entries(community), request, order=("locked_at", "pk")),
        },
    )


@require_POST
@permission_required("verification.import_census")
def staff_census_unlock(request: UchastRequest, pk: int) -> HttpResponse:
    entry = selectors.access_census_entry(request.user, request.community, pk)
    return post_action(
        request,
        lambda: services.census_entry_unlock(entry=entry, actor=request.user),
        success=_("The entry is unlocked: it takes claims again."),
        to="verification:staff_census",
    )


@require_http_methods(["GET", "POST"])
@permission_required("verification.configure_methods")
def staff_methods(request: UchastRequest) -> HttpResponse:
    community = request.community
    if request.method == "POST":
        name = request.POST.get("method", "")
        if name not in METHODS:
            return redirect("verification:staff_methods")
        return post_action(
            request,
            lambda: services.method_set_enabled(
                community=community, method=name, enabled=request.POST.get("enabled") == "1", actor=request.user
            ),
            success=_("Saved."),
            to="verification:staff_methods",
        )
    enabled = {m.name for m in enabled_methods(community)}
    rows = [(m, m.name in enabled) for m in sorted(METHODS.values(), key=lambda m: m.order)]
    return render(request, "verification/staff_methods.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@permission_required("verification.configure_providers")
@reauthentication_required
def staff_providers(request: UchastRequest) -> HttpResponse:
    """The community's identity providers; POST switches one on or off."""
    community = request.community
    if request.method == "POST":
        pk = request.POST.get("provider", "")
        if not pk.isdigit():
            raise Http404
        provider = selectors.access_provider(request.user, community, int(pk))
        enabled = request.POST.get("enabled") == "1"
        success = _("%(provider)s is switched on.") if enabled else _("%(provider)s is switched off.")
        return post_action(
            request,
            lambda: services.oidc_provider_set_enabled(provider=provider, enabled=enabled, actor=request.user),
            success=success % {"provider": provider.name},
            to="verification:staff_providers",
        )
    return render(
        request,
        "verification/staff_providers.html",
        {"rows": selectors.provider_rows(community), "method_on": is_enabled(community, "oidc")},
    )


@require_http_methods(["GET", "POST"])
@permission_required("verification.configure_providers")
@reauthentication_required
def staff_provider(request: UchastRequest, pk: int | None = None) -> HttpResponse:
    """One form for a new identity provider and for changing one."""
    community = request.community
    provider = selectors.access_provider(request.user, community, pk) if pk is not None else None
    form = OidcProviderForm(request.POST or None, initial=OidcProviderForm.initial_for(provider))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.oidc_provider_save(
                community=community, actor=request.user, provider=provider, **form.service_values()
            )
        except services.ProviderConfigError as error:
            for name, message in error.errors.items():
                form.add_error(name if name in form.fields else None, message)
        except services.VerificationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(provider)s is saved.") % {"provider": saved.name})
            return redirect("verification:staff_providers")
    return render(request, "verification/staff_provider.html", {"form": form, "provider": provider})
