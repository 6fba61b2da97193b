from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

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
    path("api/", api.urls),
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
