from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

from uchast.api import views as api_views
from uchast.api.api import api
from uchast.core.adminsite import login_through_allauth

# Staff sign in one way (allauth, with the second factor); the admin's own login form is not used.
admin.site.login = login_through_allauth  # type: ignore[method-assign]

# A module app registers at /<its name>/ (e.g. uchast.budget → /budget/) when it is installed.
module_patterns = [path(f"{app.rsplit('.', 1)[1]}/", include(f"{app}.urls")) for app in settings.UCHAST_MODULE_APPS]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("uchast.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("uchast.channels.urls")),
    path("me/", include("uchast.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/docs", api_views.docs, name="api_docs"),
    path("api/docs", RedirectView.as_view(pattern_name="api_docs", permanent=True)),
    path("api/v1/", api.urls),
    # /api/ answers exactly as /api/v1/ (an alias, not a redirect): scripts written before the
    # version existed keep working, including their POSTs, which many clients do not repeat after
    # a redirect, and the ballot fast lane. The schema documents /api/v1/ only; v2 would move the alias.
    path("api/", include((api.urls[0], "ninja"), namespace="api-current")),
    path("admin/", admin.site.urls),
    *module_patterns,
]

if not settings.PRODUCTION:
    # Small installations and development serve public uploads themselves; production uses the proxy.
    from django.views.static import serve

    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))

handler400 = "uchast.core.views.error_400"
handler403 = "uchast.core.views.error_403"
handler404 = "uchast.core.views.error_404"
handler500 = "uchast.core.views.error_500"
