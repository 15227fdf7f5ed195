"""The log checked by another implementation: Go's ``golang.org/x/mod/sumdb/note`` and ``sumdb/tlog``, built
from Debian's packages (``apt-get install golang-go golang-golang-x-mod-dev``) when they are installed;
skipped otherwise. Go opens the checkpoint with the log's verifier key, recomputes the root and every tile from
the exported entry bundles, and its inclusion proofs are compared with ours."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from certis.ledger.selectors import inclusion_proof

from .fixtures import grow

GOPATH = Path("/usr/share/gocode")
SOURCE = Path(__file__).parent / "external" / "tlogcheck.go"
GO = shutil.which("go")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        GO is None or not (GOPATH / "src/golang.org/x/mod/sumdb/tlog").is_dir(),
        reason="Go and Debian's golang.org/x/mod are not installed",
    ),
]


def test_go_s_sumdb_packages_verify_the_exported_log(tmp_path: Path) -> None:
    checkpoint = grow(70_000 // 10, subjects=300)
    call_command("export-log", str(tmp_path / "log"))
    environment = os.environ | {"GO111MODULE": "off", "GOPATH": f"{GOPATH}:{tmp_path / 'gopath'}"}
    binary = tmp_path / "tlogcheck"
    build = [str(GO), "build", "-o", str(binary), str(SOURCE)]
    subprocess.run(build, check=True, env=environment, timeout=300)  # noqa: S603 (our own arguments)
    result = subprocess.run(  # noqa: S603 (our own arguments)
        [str(binary), str(tmp_path / "log"), checkpoint.key.verifier_key],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "signature, root and" in result.stderr
    for index, proof in json.loads(result.stdout).items():
        ours = [base64.b64encode(node).decode() for node in inclusion_proof(int(index), checkpoint.size)]
        assert ours == proof, index
