from django.urls import path

from uchast.verification import views

app_name = "verification"
urlpatterns = [
    path("", views.start, name="start"),
    path("document/", views.document, name="document"),
    path("census/", views.census, name="census"),
    path("code/", views.code, name="code"),
    path("person-number/", views.person_number, name="person_number"),
    path("oidc/<slug:slug>/", views.oidc_start, name="oidc_start"),
    path("oidc-callback/", views.oidc_callback, name="oidc_callback"),
    path("privacy/", views.privacy, name="privacy"),
    path("staff/", views.staff_queue, name="staff_queue"),
    path("staff/document/<int:pk>/", views.staff_document, name="staff_document"),
    path("staff/document/<int:pk>/file/", views.staff_document_file, name="staff_document_file"),
    path("staff/person/<int:pk>/", views.staff_verification, name="staff_verification"),
    path("staff/codes/", views.staff_codes, name="staff_codes"),
    path("staff/census/", views.staff_census, name="staff_census"),
    path("staff/census/<int:pk>/unlock/", views.staff_census_unlock, name="staff_census_unlock"),
    path("staff/methods/", views.staff_methods, name="staff_methods"),
    path("staff/providers/", views.staff_providers, name="staff_providers"),
    path("staff/providers/new/", views.staff_provider, name="staff_provider_new"),
    path("staff/providers/<int:pk>/", views.staff_provider, name="staff_provider"),
]
