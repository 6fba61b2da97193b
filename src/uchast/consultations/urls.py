from django.urls import path

from uchast.consultations.views import consultations, meetings, proposals, report, statements, surveys

# Reporting, hiding and restoring proposals and statements: core moderation's routes
# (/moderation/consultations.proposal/<pk>/report/, ...).
app_name = "consultations"
urlpatterns = [
    path("", consultations.index, name="index"),
    path("new/", consultations.consultation_create, name="create"),
    path("<int:pk>/", consultations.detail, name="detail"),
    path("<int:pk>/draft/", consultations.draft_upload, name="draft"),
    path("<int:pk>/versions/<int:number>/", consultations.version_detail, name="version"),
    path("<int:pk>/attachments/", consultations.attachment_add, name="attachment_add"),
    path("<int:pk>/advance/", consultations.advance, name="advance"),
    path("<int:pk>/statements/", statements.statements, name="statements"),
    path("<int:pk>/opinion/", statements.opinion_fragment, name="opinion"),
    path("<int:pk>/surveys/new/", surveys.survey_create, name="survey_create"),
    path("<int:pk>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("<int:pk>/meetings/propose/", meetings.meeting_propose, name="meeting_propose"),
    path("<int:pk>/meeting-proposals/", meetings.meeting_proposals, name="meeting_proposals"),
    path("<int:pk>/answers/", report.answers, name="answers"),
    path("<int:pk>/report/publish/", report.report_publish, name="report_publish"),
    path("<int:pk>/report/", report.report, name="report"),
    path("<int:pk>/report.csv", report.report_csv, name="report_csv"),
    path("<int:pk>/report.json", report.report_json, name="report_json"),
    path("sections/<int:pk>/", proposals.section_detail, name="section"),
    path("sections/<int:pk>/propose/", proposals.section_propose, name="section_propose"),
    path("proposals/<int:pk>/support/", proposals.proposal_support, name="proposal_support"),
    path("statements/<int:pk>/vote/", statements.statement_vote, name="statement_vote"),
    path("surveys/<int:pk>/", surveys.survey, name="survey"),
    path("surveys/<int:pk>/questions/", surveys.question_add, name="question_add"),
    path("surveys/<int:pk>/binding/", surveys.survey_binding, name="survey_binding"),
    path("surveys/<int:pk>/results/", surveys.survey_results, name="survey_results"),
    path("surveys/<int:pk>/results.csv", surveys.survey_results_csv, name="survey_results_csv"),
    path("surveys/<int:pk>/free-text.csv", surveys.survey_texts_csv, name="survey_texts_csv"),
    path("meetings/<int:pk>/", meetings.meeting, name="meeting"),
    path("meetings/<int:pk>/register/", meetings.meeting_register, name="meeting_register"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("meeting-proposals/<int:pk>/accept/", meetings.meeting_proposal_accept, name="meeting_proposal_accept"),
    path("meeting-proposals/<int:pk>/decline/", meetings.meeting_proposal_decline, name="meeting_proposal_decline"),
]
