"""Signed certificate codes: the format, and every verdict (valid, altered field, wrong key, revoked key,
rotated key, certificate withdrawn after signing, renewed, malformed), with the keys' services."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import segno
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certis.audit.models import AuditEvent, EventType
from certis.certificates import signing
from certis.certificates.models import Certificate, SigningKey
from certis.certificates.selectors.codes import verify_code
from certis.certificates.services.keys import create_signing_key, revoke_signing_key, rotate_signing_key
from certis.certificates.services.registry import (
    cancel_certificate,
    expire_due_certificates,
    suspend_certificate,
    withdraw_certificate,
)
from certis.certificates.signing import Reason, Verdict, code_for, published_jwks, verify_signature
from certis.certificates.tests.code_fixtures import (
    altered,
    foreign_key,
    header_of,
    jwks_of,
    payload_of,
    sign_with,
    with_payload,
)
from certis.certificates.tests.conftest import CertWorld, cert_report

pytestmark = pytest.mark.django_db

Status = SigningKey.Status


def verdict(text: str) -> tuple[str, str]:
    answer = verify_code(text)
    return answer.verdict, answer.reason


# The code.


def test_a_certificate_code_holds_the_documented_header_and_payload(cert_certificate: Certificate) -> None:
    code = code_for(cert_certificate)
    key = SigningKey.objects.get()
    assert header_of(code) == {"alg": "EdDSA", "kid": key.kid, "typ": "cert"}
    payload = payload_of(code)
    assert list(payload) == ["v", "b", "n", "h", "u", "s", "p", "c", "i", "e"]
    assert payload | {"c": "…"} == {
        "v": 1,
        "b": "CNCA-R-2002-001",
        "n": "2025010101000001",
        "h": "美的集团股份有限公司",
        "u": cert_certificate.holder.uscc,
        "s": "ccc",
        "p": "0705",
        "c": "…",
        "i": "2025-06-01",
        "e": "2030-05-31",
    }
    assert len(payload["c"]) == 16  # 12 bytes of SHA-256, base64url
    assert code.split(".")[1] == signing.b64encode(
        json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    )


def test_a_scheme_without_a_product_code_leaves_it_out(cert_world: CertWorld) -> None:
    certificate = cert_report(cert_world, "management_system", number="00125Q30001R0M")
    assert "p" not in payload_of(code_for(certificate))


def test_a_code_is_short_enough_for_a_qr_code_a_phone_reads(cert_certificate: Certificate) -> None:
    url = signing.verify_url(code_for(cert_certificate), "https://certis.example.gov.cn")
    assert len(url) < 500
    assert segno.make(url, error="m", micro=False).version <= 17


def test_codes_are_deterministic_so_they_need_not_be_stored(cert_certificate: Certificate) -> None:
    assert code_for(cert_certificate) == code_for(Certificate.objects.get(pk=cert_certificate.pk))


def test_the_first_code_creates_the_active_key_with_an_audit_event(cert_certificate: Certificate) -> None:
    assert not SigningKey.objects.exists()
    code_for(cert_certificate)
    key = SigningKey.objects.get()
    assert key.status == Status.ACTIVE
    assert AuditEvent.objects.filter(event_type=EventType.SIGNING_KEY_CREATED, target_id=str(key.pk)).exists()
    assert "d" not in key.public_jwk and '"d"' not in key.private_sealed  # the private part is sealed
    assert set(key.public_jwk) == {"kty", "crv", "x", "kid", "use", "alg"}


def test_there_is_one_active_key_so_a_second_is_refused(cert_world: CertWorld) -> None:
    create_signing_key(acting_user=cert_world.supervisor)
    with translation.override("en"), pytest.raises(ValidationError, match="rotate"):
        create_signing_key(acting_user=cert_world.supervisor)


# The verdicts.


def test_a_fresh_code_is_valid(cert_certificate: Certificate) -> None:
    answer = verify_code(code_for(cert_certificate))
    assert (answer.verdict, answer.reason) == (Verdict.VALID, Reason.SIGNATURE_VALID)
    assert answer.certificate == cert_certificate
    with translation.override("en"):
        assert "valid until 2030-05-31" in answer.message


def test_the_verify_address_a_qr_code_holds_is_accepted_too(cert_certificate: Certificate) -> None:
    code = code_for(cert_certificate)
    assert verdict(f"https://certis.example.gov.cn/certificates/verify/?code={code}") == (
        "valid",
        "signature_valid",
    )
    wrapped = "\n".join(code[i : i + 60] for i in range(0, len(code), 60))  # pasted over several lines
    assert verdict(f"  {wrapped}  ") == ("valid", "signature_valid")


@pytest.mark.parametrize(
    "changes",
    [
        {"e": "2035-05-31"},
        {"h": "美的集团股份有限公司（新）"},
        {"n": "2025010101000002"},
        {"u": "91440606722473701X"},
        {"c": "AAAAAAAAAAAAAAAA"},
        {},  # the same fields, only re-encoded (spaces after the separators)
    ],
)
def test_a_code_whose_payload_was_edited_is_altered(cert_certificate: Certificate, changes: Any) -> None:
    code = code_for(cert_certificate)
    forged = altered(code, **changes)
    assert forged != code
    answer = verify_code(forged)
    assert (answer.verdict, answer.reason) == ("altered", "signature_invalid")
    assert not answer.signature_ok and answer.certificate is None


def test_stray_bits_in_the_last_character_of_a_segment_are_altered_too(cert_certificate: Certificate) -> None:
    """Base64 decoders ignore the unused low bits of the last character: such a code must not verify."""
    code = code_for(cert_certificate)
    header, payload, signature = code.split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(signature[-1])
    sibling = alphabet[last ^ 1]  # differs only in a bit that decoding drops
    assert signing.b64decode(signature[:-1] + sibling) is None
    assert verdict(f"{header}.{payload}.{signature[:-1]}{sibling}") == ("altered", "signature_invalid")


def test_a_code_signed_by_a_key_we_never_had_is_unknown_key(cert_certificate: Certificate) -> None:
    payload = payload_of(code_for(cert_certificate))
    forger = foreign_key()
    answer = verify_code(sign_with(forger, payload, kid="202601-forger"))
    assert (answer.verdict, answer.reason) == ("unknown_key", "key_unknown")
    assert answer.kid == "202601-forger"


def test_a_forger_who_names_our_kid_with_their_own_key_gets_altered(cert_certificate: Certificate) -> None:
    code = code_for(cert_certificate)
    forged = sign_with(foreign_key(), payload_of(code) | {"e": "2040-01-01"}, kid=header_of(code)["kid"])
    assert verdict(forged) == ("altered", "signature_invalid")


def test_a_header_naming_another_algorithm_is_altered(cert_certificate: Certificate) -> None:
    code = code_for(cert_certificate)
    header = header_of(code) | {"alg": "none"}
    _h, payload, signature = code.split(".")
    forged = f"{signing.b64encode(json.dumps(header).encode())}.{payload}.{signature}"
    assert verdict(forged) == ("altered", "signature_invalid")


def test_after_rotation_old_codes_stay_valid_and_new_codes_use_the_new_key(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    old_code = code_for(cert_certificate)
    old = SigningKey.objects.get()
    new = rotate_signing_key(acting_user=cert_world.supervisor, reason="yearly rotation")
    old.refresh_from_db()
    assert (old.status, new.status) == (Status.RETIRED, Status.ACTIVE)
    assert old.retired_at is not None
    new_code = code_for(cert_certificate)
    assert header_of(new_code)["kid"] == new.kid != old.kid
    assert verdict(old_code) == verdict(new_code) == ("valid", "signature_valid")
    assert [key["kid"] for key in published_jwks()["keys"]] == [new.kid, old.kid]
    event = AuditEvent.objects.get(event_type=EventType.SIGNING_KEY_ROTATED)
    assert event.actor == cert_world.supervisor
    assert event.data == {"kid": new.kid, "retired": old.kid, "reason": "yearly rotation"}


def test_codes_under_a_revoked_key_answer_revoked_and_the_key_leaves_the_jwks(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    code = code_for(cert_certificate)
    leaked = SigningKey.objects.get()
    revoke_signing_key(acting_user=cert_world.supervisor, kid=leaked.kid, reason="found on a public server")
    answer = verify_code(code)
    assert (answer.verdict, answer.reason) == ("revoked", "key_revoked")
    assert answer.since == timezone.localdate()
    assert leaked.kid not in [key["kid"] for key in published_jwks()["keys"]]
    # Signing goes on under a new key, made in the same transaction.
    active = SigningKey.objects.get(status=Status.ACTIVE)
    assert active.kid != leaked.kid
    assert verdict(code_for(cert_certificate)) == ("valid", "signature_valid")
    event = AuditEvent.objects.get(event_type=EventType.SIGNING_KEY_REVOKED)
    assert (event.actor, event.data["reason"], event.data["was_active"]) == (
        cert_world.supervisor,
        "found on a public server",
        True,
    )


def test_revoking_a_retired_key_keeps_the_active_one(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    old_code = code_for(cert_certificate)
    old = SigningKey.objects.get()
    new = rotate_signing_key(acting_user=None)
    revoke_signing_key(acting_user=None, kid=old.kid, reason="leaked")
    assert list(SigningKey.objects.filter(status=Status.ACTIVE)) == [new]
    assert verdict(old_code) == ("revoked", "key_revoked")


@pytest.mark.parametrize(
    ("kid", "reason", "message"),
    [("nope", "leaked", "no signing key"), (None, "  ", "reason")],
)
def test_revoking_needs_a_known_key_and_a_reason(
    cert_certificate: Certificate, kid: str | None, reason: str, message: str
) -> None:
    code_for(cert_certificate)
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        revoke_signing_key(acting_user=None, kid=kid or SigningKey.objects.get().kid, reason=reason)
    assert not SigningKey.objects.filter(status=Status.REVOKED).exists()


def test_a_key_is_revoked_once(cert_certificate: Certificate) -> None:
    code_for(cert_certificate)
    kid = SigningKey.objects.get().kid
    revoke_signing_key(acting_user=None, kid=kid, reason="leaked")
    with translation.override("en"), pytest.raises(ValidationError, match="revoked already"):
        revoke_signing_key(acting_user=None, kid=kid, reason="leaked")


@pytest.mark.parametrize(
    ("service", "extra", "reason"),
    [
        (withdraw_certificate, {}, "certificate_withdrawn"),
        (cancel_certificate, {}, "certificate_cancelled"),
        (suspend_certificate, {"until": dt.date(2099, 1, 1)}, "certificate_suspended"),
    ],
)
def test_a_certificate_revoked_after_signing_answers_revoked_with_its_date(
    cert_world: CertWorld, cert_certificate: Certificate, service: Any, extra: Any, reason: str
) -> None:
    code = code_for(cert_certificate)
    service(
        acting_user=cert_world.staff,
        certificate=cert_certificate,
        reason="工厂检查不合格",
        organisation=cert_world.body.organisation,
        **extra,
    )
    answer = verify_code(code)
    assert (answer.verdict, answer.reason) == ("revoked", reason)
    assert answer.since == timezone.localdate()
    assert answer.until == extra.get("until")
    assert answer.signature_ok
    with translation.override("en"):
        assert timezone.localdate().isoformat() in answer.message
        assert "工厂检查不合格" in answer.message


def test_an_expired_certificate_answers_expired(cert_world: CertWorld) -> None:
    certificate = cert_report(
        cert_world, issued_on="2023-01-01", first_issued_on="2023-01-01", expires_on="2024-12-31"
    )
    code = code_for(certificate)
    # Past its expiry date, even before the daily task marks it expired.
    assert verdict(code) == ("expired", "certificate_expired")
    expire_due_certificates()
    answer = verify_code(code)
    assert (answer.verdict, answer.reason, answer.since) == (
        "expired",
        "certificate_expired",
        dt.date(2025, 1, 1),
    )


def test_a_renewed_certificate_makes_its_old_code_superseded_and_its_new_code_valid(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    old_code = code_for(cert_certificate)
    renewed = cert_report(cert_world, issued_on="2026-01-05", expires_on="2031-01-04")
    assert renewed.pk == cert_certificate.pk
    answer = verify_code(old_code)
    assert (answer.verdict, answer.reason) == ("superseded", "certificate_renewed")
    assert answer.changed == ("i", "e")
    assert answer.certificate == renewed
    with translation.override("en"):
        assert "renewed" in answer.message and "2031-01-04" in answer.message
    assert verdict(code_for(renewed)) == ("valid", "signature_valid")


def test_a_record_changed_otherwise_makes_the_old_code_superseded_naming_what_changed(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    old_code = code_for(cert_certificate)
    cert_report(cert_world, product_models="MB-FB40")  # a model dropped from the certificate
    answer = verify_code(old_code)
    assert (answer.verdict, answer.reason, answer.changed) == ("superseded", "fields_differ", ("c",))
    with translation.override("en"):
        assert "what it covers" in answer.message


def test_a_genuine_code_of_a_certificate_the_registry_does_not_hold_is_not_found(
    cert_certificate: Certificate,
) -> None:
    payload = signing.payload_for(cert_certificate) | {"n": "2099999999999999"}
    answer = verify_code(signing.sign(signing.CERTIFICATE_TYPE, payload))
    assert (answer.verdict, answer.reason, answer.signature_ok) == (
        "not_found",
        "certificate_not_found",
        True,
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "a.b",
        "a.b.c",
        "eyJhbGciOiJFZERTQSJ9.e30.AAAA",  # no kid
        "!!!.???.***",
        "https://certis.example.gov.cn/certificates/verify/",
        "x" * 5000,
        "eyJ" + "." * 10,
        "\x00.\x00.\x00",
    ],
)
def test_what_is_not_a_code_is_malformed(db: Any, text: str) -> None:
    assert verdict(text) == ("malformed", "malformed_code")


def test_a_signed_payload_of_another_type_or_version_is_malformed(cert_certificate: Certificate) -> None:
    assert verdict(signing.sign("other", {"v": 1})) == ("malformed", "malformed_code")
    assert verdict(signing.sign("cert", {"v": 99})) == ("malformed", "malformed_code")


def test_a_message_is_in_the_visitors_language(cert_certificate: Certificate) -> None:
    answer = verify_code(altered(code_for(cert_certificate), e="2040-01-01"))
    with translation.override("en"):
        english = answer.message
    with translation.override("zh-hans"):
        chinese = answer.message
    assert "changed after it was signed" in english
    assert english and chinese


# The pure check the offline command shares.

KEY = foreign_key("k1")
CODE = sign_with(KEY, {"v": 1, "n": "2025010101000001", "e": "2030-05-31"}, kid="k1")
PAYLOAD = CODE.split(".")[1]


def test_the_pure_check_needs_only_the_jwks() -> None:
    check = verify_signature(CODE, jwks_of(KEY))
    assert (check.verdict, check.reason, check.kid, check.typ) == ("valid", "signature_valid", "k1", "cert")
    assert check.payload == {"v": 1, "n": "2025010101000001", "e": "2030-05-31"}
    assert verify_signature(CODE, {"keys": []}).verdict == "unknown_key"
    assert verify_signature(CODE, {"nonsense": 1}).verdict == "unknown_key"


def test_the_pure_check_ignores_keys_of_other_types_under_the_same_kid() -> None:
    other = KEY.as_dict(private=False) | {"crv": "Ed448"}
    assert verify_signature(CODE, {"keys": [other]}).verdict == "unknown_key"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .", max_size=200)
)
def test_no_other_payload_segment_is_ever_valid(segment: str) -> None:
    header, _payload, signature = CODE.split(".")
    if "".join(segment.split()) == PAYLOAD:
        return
    assert verify_signature(f"{header}.{segment}.{signature}", jwks_of(KEY)).verdict != "valid"


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_no_edit_of_the_payload_segment_is_ever_valid(data: Any) -> None:
    """Change, insert or drop characters anywhere in the payload segment."""
    chars = list(PAYLOAD)
    position = data.draw(st.integers(0, len(chars) - 1))
    edit = data.draw(st.sampled_from(["replace", "insert", "drop"]))
    new = data.draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))
    if edit == "replace":
        chars[position] = new
    elif edit == "insert":
        chars.insert(position, new)
    else:
        del chars[position]
    segment = "".join(chars)
    if segment == PAYLOAD:
        return
    header, _payload, signature = CODE.split(".")
    assert verify_signature(f"{header}.{segment}.{signature}", jwks_of(KEY)).verdict != "valid"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_the_pure_check_answers_anything_without_an_exception(text: str) -> None:
    assert verify_signature(text, jwks_of(KEY)).verdict in Verdict.values


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.dictionaries(st.sampled_from(list("vbnhuspcie")), st.text(max_size=20), max_size=10))
def test_any_edited_payload_of_a_real_code_is_altered(
    cert_certificate: Certificate, payload: dict[str, Any]
) -> None:
    code = code_for(cert_certificate)
    forged = with_payload(code, json.dumps(payload).encode())
    if forged != code:
        assert verify_code(forged).verdict == "altered"
