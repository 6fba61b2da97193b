"""Open data (issue 18): the catalogue of every dataset modules publish (``registry.datasets``).

``snapshot`` writes each dataset's files, their checksums and one archive of everything (nightly, by
the scheduler, and on first demand); ``views`` serves the catalogue page, the files (streamed from
disk), the archive and the DCAT document ``dcat`` builds.
"""
