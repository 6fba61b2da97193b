"""Test helpers shared by every module's tests: factories, a real SMTP server, the browser.

Lives in the package (not in ``tests/``) so each module's tests import the same helpers.
Never imported by production code.
"""
