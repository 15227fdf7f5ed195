"""The bodies app's API: the public registers (``/register``) and organisations' applications
(``/applications``), mounted under one router that ``certis.api`` mounts at ``/v1``."""

from __future__ import annotations

from ninja import Router

from .applications.api import router as applications_router
from .register.api import router as register_router

router = Router()
router.add_router("/register", register_router)
router.add_router("/applications", applications_router)
