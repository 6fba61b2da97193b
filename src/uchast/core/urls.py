from django.urls import path

from uchast.core import moderation_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("audit/", views.audit_log, name="audit_log"),
    path("healthz", views.healthz, name="healthz"),
    path("comments/<int:content_type_id>/<str:target_id>/", moderation_views.comment_add, name="comment_add"),
    path("comments/<int:pk>/report/", moderation_views.comment_report, name="comment_report"),
    path("comments/<int:pk>/hide/", moderation_views.comment_hide, name="comment_hide"),
    path("comments/<int:pk>/restore/", moderation_views.comment_restore, name="comment_restore"),
    path("moderation/", moderation_views.moderation_queue, name="moderation"),
    path("moderation/<int:pk>/dismiss/", moderation_views.reports_dismiss, name="reports_dismiss"),
    path("moderation/block/<int:user_id>/", moderation_views.user_block, name="user_block"),
    path("moderation/unblock/<int:block_id>/", moderation_views.user_unblock, name="user_unblock"),
    path("follow/<int:content_type_id>/<str:target_id>/", moderation_views.follow_toggle, name="follow_toggle"),
]
