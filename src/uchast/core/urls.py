from django.urls import path

from uchast.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("audit/", views.audit_log, name="audit_log"),
    path("healthz", views.healthz, name="healthz"),
]
