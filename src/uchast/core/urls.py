from django.urls import path

from uchast.core import audit_views, moderation_views, offline_views, views
from uchast.core.opendata import views as opendata_views

app_name = "core"
# No two patterns may match the same path (a route `comments/<int>/<str>/` once swallowed
# `comments/<pk>/report/`): tests/core/test_core_moderation.py resolves every action's URL.
urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("audit/log.jsonl", audit_views.audit_log_jsonl, name="audit_log_jsonl"),
    path("audit/checkpoints.json", audit_views.checkpoints_json, name="audit_checkpoints"),
    path("audit/checkpoints/latest.json", audit_views.checkpoint_latest, name="audit_checkpoint_latest"),
    path("audit/checkpoints.atom", audit_views.CheckpointFeed(), name="audit_checkpoints_feed"),
    path("open-data/", opendata_views.catalogue, name="open_data"),
    path("open-data/catalog.jsonld", opendata_views.catalogue_dcat, name="open_data_dcat"),
    path("open-data/files/<str:name>", opendata_views.download, name="open_data_file"),
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", offline_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline_views.manifest, name="manifest"),
    path("offline/", offline_views.offline, name="offline"),
    path("comments/<int:pk>/", moderation_views.comment_permalink, name="comment"),
    path("comments/<int:content_type_id>/<str:target_id>/add/", moderation_views.comment_add, name="comment_add"),
    path("follow/<int:content_type_id>/<str:target_id>/", moderation_views.follow_toggle, name="follow_toggle"),
    path("moderation/", moderation_views.moderation_queue, name="moderation"),
    path("moderation/users/<int:user_id>/block/", moderation_views.user_block, name="user_block"),
    path("moderation/blocks/<int:block_id>/lift/", moderation_views.user_unblock, name="user_unblock"),
    path("moderation/<str:kind>/<str:pk>/report/", moderation_views.contribution_report, name="report"),
    path("moderation/<str:kind>/<str:pk>/hide/", moderation_views.contribution_hide, name="hide"),
    path("moderation/<str:kind>/<str:pk>/restore/", moderation_views.contribution_restore, name="restore"),
    path("moderation/<str:kind>/<str:pk>/dismiss/", moderation_views.reports_dismiss, name="reports_dismiss"),
]
