"""Identifiers of the domain, checked with python-stdnum, and how personal numbers are kept.

- The unified social credit code (USCC, 统一社会信用代码) of an organisation: 18 characters with a check character
  (GB 32100-2015).
- The resident identity number (居民身份证号码) of a person: 18 characters with a check character (GB 11643-1999).
  It is personal data: stored only as a keyed digest (to find duplicates), sealed (encrypted) and masked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from .text import fold_width


def _compact(value: str) -> str:
    return fold_width(value or "").replace(" ", "").replace("-", "").upper()


def compact_number(value: str) -> str:
    """A number as typed, in the form numbers are stored: half-width, upper case, no spaces."""
    return re.sub(r"\s+", "", fold_width(value)).upper()


def clean_uscc(value: str) -> str:
    """The USCC in its compact form, or a ValidationError that says what is wrong with it."""
    compact = _compact(value)
    try:
        return str(uscc.validate(compact))
    except InvalidLength:
        raise ValidationError(
            _("A unified social credit code has 18 characters."), code="uscc_length"
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            _("The check character of the unified social credit code %(code)s is wrong.") % {"code": compact},
            code="uscc_checksum",
        ) from None
    except StdnumError:
        raise ValidationError(
            _("%(code)s is not a unified social credit code.") % {"code": compact}, code="uscc_format"
        ) from None


def clean_identity_number(value: str) -> str:
    """The 18-character resident identity number, or a ValidationError that says what is wrong with it."""
    compact = _compact(value)
    try:
        return str(ric.validate(compact))
    except InvalidLength:
        raise ValidationError(_("An identity number has 18 characters."), code="ric_length") from None
    except InvalidChecksum:
        raise ValidationError(
            _("The check digit of the identity number is wrong."), code="ric_checksum"
        ) from None
    except (InvalidComponent, InvalidFormat):
        raise ValidationError(
            _("The identity number does not hold a valid region and birth date."), code="ric_format"
        ) from None
    except StdnumError:
        raise ValidationError(_("This is not an identity number."), code="ric_format") from None


def make_uscc(stem: str) -> str:
    """A well-formed USCC from its first 17 characters, with the check character they call for (demo data,
    tests and benchmarks make up their organisations with it)."""
    return stem + uscc.calc_check_digit(stem)


def make_identity_number(stem: str) -> str:
    """A well-formed identity number from its first 17 digits (region, birth date, sequence)."""
    return stem + ric.calc_check_digit(stem + "0")  # stdnum drops the last character given


def mask_identity_number(number: str) -> str:
    """Region code and last four characters only: 110101********1234."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def _key(purpose: str) -> bytes:
    return hashlib.sha256(f"certis:{purpose}:{settings.FIELD_SECRET}".encode()).digest()


def digest(value: str) -> str:
    """A keyed digest: equal numbers give equal digests, and the digest alone does not give the number back."""
    return hmac.new(_key("digest"), value.encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"certis:seal:{secret}".encode()).digest()))


def seal(value: str) -> str:
    return _fernet(settings.FIELD_SECRET).encrypt(value.encode()).decode()


def unseal(token: str) -> str:
    return _fernet(settings.FIELD_SECRET).decrypt(token.encode()).decode()
