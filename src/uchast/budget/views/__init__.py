"""HTML views of the participatory budget, one module per topic: thin — parse, check permission,
call one service, render; POST-redirect-GET.

- ``public`` — the budget, a cycle, the project list and a project's page;
- ``proposing`` — the project form, appeal, co-authors, supports and following;
- ``voting`` — the ballot form; ``results`` — results, open files, receipt check;
- ``manage`` — the staff page of a cycle and one view per action on it;
- ``staff`` — review, paper batches, milestones, the cycle, category and support forms.
"""
