from django.urls import path

from uchast.appeals import report_views, views

app_name = "appeals"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("staff/", views.queue, name="queue"),
    path("statistics/", views.stats, name="stats"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/files/<int:file_pk>/", views.download, name="download"),
    path("<int:pk>/cosign/", views.cosign, name="cosign"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/route/", views.route, name="route"),
    path("<int:pk>/priority/", views.priority, name="priority"),
    path("<int:pk>/forward/", views.forward, name="forward"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/complain/", views.complain, name="complain"),
    path("problems/", report_views.reports, name="reports"),
    path("problems/new/", report_views.report_create, name="report_create"),
    path("problems/<int:pk>/", report_views.report, name="report"),
    path("problems/<int:pk>/metoo/", report_views.metoo, name="metoo"),
    path("problems/<int:pk>/status/", report_views.report_status, name="report_status"),
]
