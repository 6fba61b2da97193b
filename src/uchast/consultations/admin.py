from django.contrib import admin

from uchast.consultations.models import Consultation, Meeting, MeetingProposal, Proposal, Statement, Survey

admin.site.register(Consultation)
admin.site.register(Proposal)
admin.site.register(Statement)
admin.site.register(Survey)
admin.site.register(Meeting)
admin.site.register(MeetingProposal)
