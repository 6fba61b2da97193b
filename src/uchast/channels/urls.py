from django.urls import path

from uchast.channels import views, views_calendar, views_push, views_staff, views_telegram

app_name = "channels"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_open, name="open"),
    path("inbox/read/", views.mark_all_read, name="read_all"),
    path("me/channels/", views.channels, name="settings"),
    path("me/channels/telegram/", views_telegram.link, name="telegram"),
    path("me/channels/telegram/unlink/", views_telegram.unlink, name="telegram_unlink"),
    path("me/channels/push/", views_push.subscribe, name="push_subscribe"),
    path("me/channels/push/off/", views_push.unsubscribe_all, name="push_off"),
    path("push-sw.js", views_push.service_worker, name="push_worker"),
    path("calendar/community.ics", views_calendar.community_feed, name="calendar_community"),
    path("calendar/<str:key>.ics", views_calendar.personal_feed, name="calendar_personal"),
    path("me/channels/calendar/reset/", views_calendar.reset, name="calendar_reset"),
    path("telegram/webhook/", views_telegram.webhook, name="telegram_webhook"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("staff/deliveries/", views.deliveries, name="deliveries"),
    path("staff/announcements/", views_staff.announcements, name="announcements"),
]
