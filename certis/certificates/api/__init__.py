"""The certificates app's API, mounted under one router that ``certis.api`` mounts at ``/v1``: bodies'
certificate reports (``/certificate-reports``), code verification (``/codes``) and the public certificate
lookup (``/certificates``)."""

from __future__ import annotations

from ninja import Router

from certis.certificates.api.codes import router as codes_router
from certis.certificates.api.public import router as certificates_router
from certis.certificates.api.reports import router as reports_router

router = Router()
router.add_router("/certificate-reports", reports_router)
router.add_router("/codes", codes_router)
router.add_router("/certificates", certificates_router)
