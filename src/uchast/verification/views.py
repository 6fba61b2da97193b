from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from uchast.core.navigation import safe_next
from uchast.core.permissions import permission_required
from uchast.core.views import public_view
from uchast.verification import oidc, selectors, services
from uchast.verification.forms import (
    CensusForm,
    CensusImportForm,
    CodeBatchForm,
    CodeForm,
    DocumentForm,
    OidcProviderForm,
    QueueFilterForm,
    ReasonForm,
)
from uchast.verification.methods import METHODS, enabled_methods, is_enabled, method_entries
from uchast.verification.models import OidcProvider, VerificationStatus

NEXT_KEY = "verification_next"


def _remember_next(request: HttpRequest) -> None:
    target = safe_next(request, request.GET.get("next", ""))
    if target:
        request.session[NEXT_KEY] = target


def _done(request: HttpRequest) -> HttpResponse:
    target = safe_next(request, request.session.pop(NEXT_KEY, ""))
    if target:
        return HttpResponseRedirect(target)
    return redirect("verification:start")


def _forget_number(form: Any) -> None:
    """Never send a typed identity number back in the page."""
    if form.is_bound and "number" in form.data:
        form.data = form.data.copy()
        form.data["number"] = ""


def _require_method(request: HttpRequest, name: str) -> None:
    if not is_enabled(request.community, name):  # type: ignore[attr-defined]
        raise Http404


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


@require_safe
@permission_required("verification.view_own")
def start(request: HttpRequest) -> HttpResponse:
    """The resident's verification status and history, and the ways to confirm residence."""
    community = request.community  # type: ignore[attr-defined]
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
def document(request: HttpRequest) -> HttpResponse:
    community = request.community  # type: ignore[attr-defined]
    _require_method(request, "document")
    _remember_next(request)
    form = DocumentForm(request.POST or None, request.FILES or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_submit(
                user=request.user,
                community=community,
                document_kind=form.cleaned_data["document_kind"],
                number_kind=form.cleaned_data["number_kind"],
                number=form.cleaned_data["number"],
                birth_date=form.cleaned_data["birth_date"],
                district=form.cleaned_data["district"],
                upload=form.cleaned_data["file"],
            )
        except services.VerificationError as error:
            field = {"bad_number": "number", "bad_file": "file"}.get(error.code)
            form.add_error(field, error.message)
        else:
            messages.success(
                request, _("Thank you. Staff will check your document and you will see the decision here.")
            )
            return redirect("verification:start")
    _forget_number(form)
    return render(
        request, "verification/document.html", {"form": form, "method": METHODS["document"], "multipart": True}
    )


@require_http_methods(["GET", "POST"])
@permission_required("verification.view_own")
def census(request: HttpRequest) -> HttpResponse:
    community = request.community  # type: ignore[attr-defined]
    _require_method(request, "census")
    _remember_next(request)
    form = CensusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.census_claim(
                user=request.user,
                community=community,
                kind=form.cleaned_data["number_kind"],
                number=form.cleaned_data["number"],
                birth_date=form.cleaned_data["birth_date"],
            )
        except services.VerificationError as error:
            form.add_error("number" if error.code == "bad_number" else None, error.message)
        else:
            messages.success(request, _("You are confirmed. Thank you."))
            return _done(request)
    _forget_number(form)
    return render(request, "verification/census.html", {"form": form, "method": METHODS["census"]})


@require_http_methods(["GET", "POST"])
@permission_required("verification.view_own")
def code(request: HttpRequest) -> HttpResponse:
    community = request.community  # type: ignore[attr-defined]
    _require_method(request, "code")
    _remember_next(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.code_redeem(
                user=request.user,
                community=community,
                code=form.cleaned_data["code"],
                ip=_client_ip(request),
                birth_date=form.cleaned_data["birth_date"],
            )
        except services.VerificationError as error:
            form.add_error("code", error.message)
        else:
            messages.success(request, _("You are confirmed. Thank you."))
            return _done(request)
    return render(request, "verification/code.html", {"form": form, "method": METHODS["code"]})


def _oidc_redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("verification:oidc_callback"))


@require_safe
@never_cache
@permission_required("verification.view_own")
def oidc_start(request: HttpRequest, slug: str) -> HttpResponse:
    community = request.community  # type: ignore[attr-defined]
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
def oidc_callback(request: HttpRequest) -> HttpResponse:
    community = request.community  # type: ignore[attr-defined]
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
    return _done(request)


@require_safe
@public_view
def privacy(request: HttpRequest) -> HttpResponse:
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


@require_safe
@permission_required("verification.review")
def staff_queue(request: HttpRequest) -> HttpResponse:
    community = request.community  # type: ignore[attr-defined]
    filters = QueueFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    people = selectors.staff_verifications(
        community,
        status=values.get("status", ""),
        basis=values.get("basis", ""),
        method=values.get("method", ""),
    )[:200]
    return render(
        request,
        "verification/staff_queue.html",
        {"pending": selectors.pending_documents(community), "people": people, "filters": filters},
    )


@require_http_methods(["GET", "POST"])
@permission_required("verification.review")
def staff_document(request: HttpRequest, pk: int) -> HttpResponse:
    community = request.community  # type: ignore[attr-defined]
    submission = selectors.access_submission(request.user, community, pk)
    reject_form = ReasonForm(request.POST if request.POST.get("decision") == "reject" else None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                services.document_approve(submission=submission, actor=request.user)
                messages.success(request, _("Approved. The document was deleted."))
                return redirect("verification:staff_queue")
            if reject_form.is_valid():
                services.document_reject(
                    submission=submission, actor=request.user, reason=reject_form.cleaned_data["reason"]
                )
                messages.success(request, _("Rejected. The document was deleted."))
                return redirect("verification:staff_queue")
        except services.VerificationError as error:
            messages.error(request, error.message)
            return redirect("verification:staff_queue")
    return render(request, "verification/staff_document.html", {"submission": submission, "reject_form": reject_form})


@require_safe
@never_cache
@permission_required("verification.review")
def staff_document_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Streams the private scan to a reviewer while the request is pending; never cached."""
    submission = selectors.access_submission(request.user, request.community, pk)  # type: ignore[attr-defined]
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
def staff_verification(request: HttpRequest, pk: int) -> HttpResponse:
    verification = selectors.access_verification(request.user, request.community, pk)  # type: ignore[attr-defined]
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verification_revoke(
                verification=verification, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.VerificationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The confirmation was revoked."))
            return redirect("verification:staff_queue")
    return render(request, "verification/staff_verification.html", {"verification": verification, "form": form})


@require_http_methods(["GET", "POST"])
@permission_required("verification.issue_codes")
def staff_codes(request: HttpRequest) -> HttpResponse:
    community = request.community  # type: ignore[attr-defined]
    form = CodeBatchForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            batch, codes = services.code_batch_create(
                community=community,
                actor=request.user,
                label=form.cleaned_data["label"],
                size=form.cleaned_data["size"],
                expires_on=form.cleaned_data["expires_on"],
                basis=form.cleaned_data["basis"],
                district=form.cleaned_data["district"],
            )
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
    return render(
        request, "verification/staff_codes.html", {"form": form, "batches": selectors.code_batches(community)}
    )


@require_http_methods(["GET", "POST"])
@permission_required("verification.import_census")
def staff_census(request: HttpRequest) -> HttpResponse:
    community = request.community  # type: ignore[attr-defined]
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
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("verification.configure_methods")
def staff_methods(request: HttpRequest) -> HttpResponse:
    community = request.community  # type: ignore[attr-defined]
    if request.method == "POST":
        name = request.POST.get("method", "")
        if name in METHODS:
            services.method_set_enabled(
                community=community, method=name, enabled=request.POST.get("enabled") == "1", actor=request.user
            )
            messages.success(request, _("Saved."))
        return redirect("verification:staff_methods")
    enabled = {m.name for m in enabled_methods(community)}
    rows = [(m, m.name in enabled) for m in sorted(METHODS.values(), key=lambda m: m.order)]
    return render(request, "verification/staff_methods.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@permission_required("verification.configure_providers")
def staff_providers(request: HttpRequest) -> HttpResponse:
    """The community's identity providers; POST switches one on or off."""
    community = request.community  # type: ignore[attr-defined]
    if request.method == "POST":
        pk = request.POST.get("provider", "")
        if not pk.isdigit():
            raise Http404
        provider = selectors.access_provider(request.user, community, int(pk))
        enabled = request.POST.get("enabled") == "1"
        services.oidc_provider_set_enabled(provider=provider, enabled=enabled, actor=request.user)
        if enabled:
            messages.success(request, _("%(provider)s is switched on.") % {"provider": provider.name})
        else:
            messages.success(request, _("%(provider)s is switched off.") % {"provider": provider.name})
        return redirect("verification:staff_providers")
    return render(
        request,
        "verification/staff_providers.html",
        {"rows": selectors.provider_rows(community), "method_on": is_enabled(community, "oidc")},
    )


@require_http_methods(["GET", "POST"])
@permission_required("verification.configure_providers")
def staff_provider(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """One form for a new identity provider and for changing one."""
    community = request.community  # type: ignore[attr-defined]
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
