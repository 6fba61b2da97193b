"""Thin views by topic: parse, check permission, call one service, render (POST-redirect-GET).

- ``consultations``: list, announcement, draft versions, files, phases
- ``proposals``: a section with its proposals; propose, support
- ``statements``: statement voting and the opinion map
- ``surveys``: answering, results, preparing questions
- ``meetings``: a meeting, registration, minutes
- ``report``: the officials' answers and the published report (HTML, CSV, JSON)

Reporting, hiding and restoring proposals and statements go to core moderation's routes.
"""
