from django.urls import path

from uchast.budget import views

app_name = "budget"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.cycle_new, name="cycle_new"),
    path("<int:cycle_pk>/", views.cycle_detail, name="cycle"),
    path("<int:cycle_pk>/categories/new/", views.category_new, name="category_new"),
    path("<int:cycle_pk>/categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("<int:cycle_pk>/supports/", views.cycle_supports, name="cycle_supports"),
    path("<int:cycle_pk>/projects/", views.project_list, name="projects"),
    path("<int:cycle_pk>/propose/", views.project_new, name="project_new"),
    path("<int:cycle_pk>/vote/", views.vote, name="vote"),
    path("<int:cycle_pk>/vote/done/", views.vote_done, name="vote_done"),
    path("<int:cycle_pk>/results/", views.results, name="results"),
    path("<int:cycle_pk>/results/projects.csv", views.results_csv, name="results_csv"),
    path("<int:cycle_pk>/results/<int:category_pk>.pb", views.pabulib_file, name="pabulib"),
    path("<int:cycle_pk>/receipt/", views.receipt_check, name="receipt"),
    path("<int:cycle_pk>/manage/", views.manage, name="manage"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/qr.svg", views.project_qr, name="project_qr"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/appeal/", views.project_appeal, name="project_appeal"),
    path("projects/<int:pk>/support/", views.project_support, name="project_support"),
    path("projects/<int:pk>/coauthors/", views.coauthor_invite, name="coauthor_invite"),
    path("projects/<int:pk>/coauthors/<int:invitation_pk>/revoke/", views.coauthor_revoke, name="coauthor_revoke"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("projects/<int:pk>/follow/", views.project_follow, name="project_follow"),
    path("projects/<int:pk>/review/", views.review, name="review"),
    path("projects/<int:pk>/milestones/", views.milestones, name="milestones"),
    path("paper/<int:pk>/", views.batch, name="batch"),
]
