"""The API's documentation page: the site's own page around Swagger UI served from our static files.

It lives at ``/api/v1/docs`` (``/api/docs`` redirects there) but is a page like any other: it is in
the language the person chose on the site, and the explorer asks the schema in that language.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from uchast.core.views import public_view
from uchast.core.web import UchastRequest


@require_safe
@public_view
def docs(request: UchastRequest) -> HttpResponse:
    return render(request, "api/docs.html", {"schema_url": reverse("api:openapi-json")})
