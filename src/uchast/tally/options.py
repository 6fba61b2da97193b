"""Names of the Equal Shares variants, in a module of their own so that the command line and ``count``
know them without importing the rules (``uchast tally`` imports a rule only when it runs it)."""

UTILITIES = ("cost", "cardinality", "points")
STARTS = ("exact", "integral")
STOPS = ("exhaustive", "overspend")
