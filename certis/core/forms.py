"""What views share about forms: a service's refusal shown on the form that asked for it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def add_service_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: each field's messages beside the field, the rest (and
    messages for fields the form does not have) at the top."""
    if hasattr(error, "error_dict"):
        for field_name, errors in error.error_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_text(form: Any) -> str:
    """All of a form's errors in one line, for a message on the page the form came from."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)
