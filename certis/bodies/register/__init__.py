"""The public registers of bodies, labs and certification personnel, and the regulator's keeping of them.

Imports nothing of :mod:`certis.bodies.applications` (``tests/test_package_direction.py`` checks it)."""
