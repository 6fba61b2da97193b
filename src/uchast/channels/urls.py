from django.urls import path

from uchast.channels import views

app_name = "channels"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_open, name="open"),
    path("inbox/read/", views.mark_all_read, name="read_all"),
    path("me/channels/", views.channels, name="settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("staff/deliveries/", views.deliveries, name="deliveries"),
]
