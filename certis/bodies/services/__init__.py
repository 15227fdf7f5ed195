"""Every change to the bodies app goes through these functions: one transaction each, with its audit event.

- ``register``: the registers (bodies and labs, scope, accreditation, status; personnel).
- ``applications``: the online applications, from submission to publication.
"""
