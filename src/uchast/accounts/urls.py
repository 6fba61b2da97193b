from django.urls import path

from uchast.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("data.json", views.export_data, name="export"),
    path("delete/", views.delete_account, name="delete"),
    path("tokens/", views.create_token, name="token_create"),
    path("confirm-help/", views.confirmation_help, name="confirmation_help"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="token_revoke"),
]
