"""Wording of django-allauth strings that our Ukrainian catalogue improves.

Our catalogue (LOCALE_PATHS) takes precedence over allauth's. These markers keep the ids in it
when ``makemessages`` runs; nothing imports this module at run time.
"""

from django.utils.translation import gettext_noop

ALLAUTH_WORDING = [
    gettext_noop("Email"),
    gettext_noop("Sign Up"),
    gettext_noop("Sign In"),
    gettext_noop("Remember Me"),
    gettext_noop("Email address"),
    gettext_noop("Password (again)"),
    gettext_noop("Confirm"),
]
