"""Views by audience: ``registry`` (organisations and members) and ``competitions``."""
