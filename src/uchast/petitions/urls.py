from django.urls import path

from uchast.petitions import feeds, views

app_name = "petitions"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("staff/", views.queue, name="queue"),
    path("feed/rss/", feeds.PetitionFeed(), name="feed_rss"),
    path("feed/atom/", feeds.PetitionAtomFeed(), name="feed_atom"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/refuse/", views.refuse, name="refuse"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/archive/", views.archive, name="archive"),
]
