import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uchast.settings")
application = get_wsgi_application()

if "uchast.budget" in settings.INSTALLED_APPS and settings.UCHAST_BALLOT_FAST_LANE:
    # The voting peak's one request skips the middleware and router it does not need
    # (uchast.budget.castpath explains what it does and when it steps aside).
    from uchast.budget.castpath.lane import BallotFastLane

    application = BallotFastLane(application)  # type: ignore[assignment]
