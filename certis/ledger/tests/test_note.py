"""Signed notes and verifier keys against the examples of golang.org/x/mod/sumdb/note and C2SP."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certis.ledger import note, verifier

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIG = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"


def peter() -> Ed25519PrivateKey:
    seed = base64.b64decode(PETER_SKEY.split("+", 4)[-1])
    assert seed[0] == 1
    return Ed25519PrivateKey.from_private_bytes(seed[1:])


def test_the_verifier_key_of_go_s_example_key_is_the_same_line() -> None:
    public = peter().public_key().public_bytes_raw()
    assert note.key_id("PeterNeumann", public) == 0xC74F20A3
    assert note.verifier_key("PeterNeumann", public) == PETER_VKEY


def test_signing_go_s_example_text_gives_go_s_signed_note_byte_for_byte() -> None:
    assert note.sign(TEXT, name="PeterNeumann", private_key=peter()) == TEXT + "\n" + PETER_SIG


def test_the_verifier_opens_go_s_example_and_ignores_an_unknown_signature() -> None:
    signed = (TEXT + "\n" + PETER_SIG + ENOCH_SIG).encode()
    assert verifier.open_note(signed, [verifier.VerifierKey.parse(PETER_VKEY)]) == TEXT
    both = [verifier.VerifierKey.parse(PETER_VKEY), verifier.VerifierKey.parse(ENOCH_VKEY)]
    assert verifier.open_note(signed, both) == TEXT


def test_the_verifier_refuses_a_note_no_known_key_signed() -> None:
    with pytest.raises(verifier.VerificationError, match="no signature by a known key"):
        verifier.open_note((TEXT + "\n" + ENOCH_SIG).encode(), [verifier.VerifierKey.parse(PETER_VKEY)])


def test_the_verifier_refuses_a_bad_signature_of_a_known_key() -> None:
    broken = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(verifier.VerificationError, match="does not verify"):
        verifier.open_note((TEXT + "\n" + broken).encode(), [verifier.VerifierKey.parse(PETER_VKEY)])


@pytest.mark.parametrize(
    "message",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
    ],
)
def test_the_verifier_refuses_go_s_malformed_notes(message: str) -> None:
    with pytest.raises(verifier.VerificationError):
        verifier.open_note(message.encode(), [verifier.VerifierKey.parse(PETER_VKEY)])


@pytest.mark.parametrize(
    "key",
    [
        PETER_VKEY[:-1],
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        PETER_VKEY.replace("c74f20a3", "c74f20a4"),
        "Peter+Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ],
)
def test_the_verifier_refuses_go_s_mangled_keys(key: str) -> None:
    with pytest.raises(verifier.VerificationError):
        verifier.VerifierKey.parse(key)


def test_the_checkpoint_body_has_origin_size_and_base64_root() -> None:
    root = base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert note.checkpoint_body("example.com/behind-the-sofa", 20852163, root) == (
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )


@pytest.mark.parametrize("name", ["", "a b", "a+b", "a\tb"])
def test_key_names_without_spaces_or_plus(name: str) -> None:
    with pytest.raises(ValueError):
        note.key_id(name, b"\0" * 32)
