"""Every write of the ledger. Other apps call :func:`append` (or :func:`append_many`) inside the transaction
of the change they record; the worker calls :func:`integrate` and :func:`audit_log`."""

from .append import Item, append, append_many, canonical_json, subject_key
from .integrate import integrate
from .keys import current_log_key, rotate_log_key
from .tamper import audit_log

__all__ = [
    "Item",
    "append",
    "append_many",
    "audit_log",
    "canonical_json",
    "current_log_key",
    "integrate",
    "rotate_log_key",
    "subject_key",
]
