from django.urls import path

from uchast.verification import views

app_name = "verification"
urlpatterns = [
    path("", views.start, name="start"),
]
