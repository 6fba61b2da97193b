from django.urls import path, re_path

from uchast.organisations.views import bodies, competitions, registry

app_name = "organisations"
urlpatterns = [
    path("", registry.index, name="index"),
    path("register/", registry.register, name="register"),
    path("staff/", registry.queue, name="queue"),
    path("<int:pk>/", registry.detail, name="detail"),
    path("<int:pk>/confirm/", registry.confirm, name="confirm"),
    path("<int:pk>/refuse/", registry.refuse, name="refuse"),
    path("<int:pk>/invite/", registry.invite, name="invite"),
    path("invitations/<str:token>/", registry.accept, name="accept"),
    path("competitions/new/", competitions.announce, name="announce"),
    path("competitions/<int:pk>/", competitions.competition, name="competition"),
    path("competitions/<int:pk>/apply/", competitions.apply, name="apply"),
    path("competitions/<int:pk>/suspend/", competitions.suspend, name="suspend"),
    path("competitions/<int:pk>/resume/", competitions.resume, name="resume"),
    path("competitions/<int:pk>/publish/", competitions.publish, name="publish"),
    path("applications/<int:pk>/", competitions.application, name="application"),
    path("applications/<int:pk>/eligibility/", competitions.eligibility, name="eligibility"),
    path("applications/<int:pk>/conflict/", competitions.conflict, name="conflict"),
    path("applications/<int:pk>/score/", competitions.score, name="score"),
    path("applications/<int:pk>/report/", competitions.report, name="report"),
    path("reports/<int:pk>/decide/", competitions.decide_report, name="decide_report"),
    path("bodies/new/", bodies.body_new, name="body_new"),
    path("bodies/<int:pk>/", bodies.body, name="body"),
    path("bodies/<int:pk>/members/", bodies.body_members, name="body_members"),
    path("seats/<int:pk>/end/", bodies.body_member_end, name="body_member_end"),
    path("bodies/<int:pk>/meetings/", bodies.meeting_new, name="meeting_new"),
    path("bodies/<int:pk>/elections/", bodies.election_new, name="election_new"),
    path("elections/<int:pk>/vote/", bodies.election_vote, name="election_vote"),
    path("elections/<int:pk>/count/", bodies.election_count, name="election_count"),
    path("meetings/<int:pk>/", bodies.meeting, name="meeting"),
    path("meetings/<int:pk>/minutes/", bodies.minutes, name="minutes"),
    path("decisions/<int:pk>/send/", bodies.decision_send, name="decision_send"),
    re_path(
        r"^data/(?P<name>organisations|competitions|applications|scores|reports)\.(?P<fmt>csv|json)$",
        competitions.open_data,
        name="open_data",
    ),
]
