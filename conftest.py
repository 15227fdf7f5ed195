"""Fixtures shared across apps, registered here (pytest reads ``pytest_plugins`` from the root conftest only).

The cast of people is in :mod:`certis.core.testing.cast`; each app's shared fixtures are in its
``tests/fixtures*.py`` modules, listed below, so that a test module names the fixtures it uses as arguments
and imports nothing with ``*``.
"""

pytest_plugins = [
    "certis.core.testing.cast",
    "certis.bodies.tests.fixtures",
    "certis.certificates.tests.code_fixtures",
    "certis.certificates.tests.manage_fixtures",
    "certis.certificates.tests.public_fixtures",
    "certis.certificates.tests.report_fixtures",
]
