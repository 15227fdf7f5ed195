import math
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .ceiling import account_verdict


class LoginForm(AuthenticationForm):
    """Django's login form, refusing before any password is checked an account past its ceiling of failed
    logins from all addresses (``ceiling``)."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username:
            verdict = account_verdict(username)
            if not verdict.allowed:
                raise ValidationError(
                    gettext(
                        "Too many failed logins to this account from many addresses: nobody may log in to it "
                        "for the next %(minutes)d minutes. Try again then, or ask your organisation's manager."
                    )
                    % {"minutes": max(1, math.ceil(verdict.wait / 60))},
                    code="account_ceiling",
                )
        return super().clean()


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("What system will use it."))
