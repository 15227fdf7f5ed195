"""What the tests of signed codes share: codes made by a key the platform never had, and codes whose
payload was changed after signing (re-encoded, with the original signature kept)."""

from __future__ import annotations

import json
import warnings
from typing import Any

from joserfc import jws
from joserfc.jwk import OKPKey

from certis.certificates.signing import b64decode, b64encode


def foreign_key(kid: str = "202601-forger") -> OKPKey:
    return OKPKey.generate_key("Ed25519", parameters={"kid": kid}, private=True)


def sign_with(key: OKPKey, payload: dict[str, Any] | bytes, kid: str, typ: str = "cert") -> str:
    """A code as the platform would make it, but under any key."""
    raw = payload if isinstance(payload, bytes) else json.dumps(payload, separators=(",", ":")).encode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jws.serialize_compact({"alg": "EdDSA", "kid": kid, "typ": typ}, raw, key, algorithms=["EdDSA"])


def jwks_of(*keys: OKPKey) -> dict[str, Any]:
    return {"keys": [key.as_dict(private=False) for key in keys]}


def payload_of(code: str) -> dict[str, Any]:
    raw = b64decode(code.split(".")[1])
    assert raw is not None
    return dict(json.loads(raw))


def header_of(code: str) -> dict[str, Any]:
    raw = b64decode(code.split(".")[0])
    assert raw is not None
    return dict(json.loads(raw))


def with_payload(code: str, payload: dict[str, Any] | bytes) -> str:
    """The code with its payload replaced, header and signature kept: what a forger who edits a code does."""
    header, _payload, signature = code.split(".")
    raw = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    return f"{header}.{b64encode(raw)}.{signature}"


def altered(code: str, **changes: Any) -> str:
    return with_payload(code, payload_of(code) | changes)
