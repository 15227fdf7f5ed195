"""Collectives ("各有关部门", "各县市区政府") in a responsibility, wherever they stand, and import-plan on a
database that is not set up (issue 10)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from certis.governance.files.notice import Task, read_notice


def _only_task(body: str) -> Task:
    (task,) = read_notice(f"某某实施方案\n一、总体要求\n（一）加强组织\n1.推广先进标准。（{body}）").tasks
    return task


@pytest.mark.parametrize(
    ("body", "lead", "support", "joint"),
    [
        ("市级各有关部门及各县市区政府按职责分工负责", (), (), ()),
        ("市級各有關部門及各縣市區政府按職責分工負責", (), (), ()),
        ("各县市区政府按职责分工负责", (), (), ()),
        ("各有关部门、认可部按职责分工负责", (), (), ("认可部",)),
        ("认可部、各县市区政府按职责分工负责", (), (), ("认可部",)),
        ("认可部及市级各有关部门按职责分工负责", (), (), ("认可部",)),
        ("认可部牵头，有关部室及各县市区政府配合", ("认可部",), (), ()),
        ("認可部牽頭，法律部、各縣市區人民政府配合", ("認可部",), ("法律部",), ()),
        ("各县市区政府牵头，认可部及法律部配合", (), ("认可部", "法律部"), ()),
        ("认可部会同各地负责", ("认可部",), (), ()),
    ],
)
def test_collectives_are_recognised_wherever_they_stand(
    body: str, lead: tuple[str, ...], support: tuple[str, ...], joint: tuple[str, ...]
) -> None:
    task = _only_task(body)
    assert (task.lead, task.support, task.joint, task.collective) == (lead, support, joint, True)


@pytest.mark.parametrize(
    ("body", "lead", "support"),
    [
        ("工业和信息化部牵头，发展和改革委员会配合", ("工业和信息化部",), ("发展和改革委员会",)),
        ("市场监管局牵头，公安局和商务局配合", ("市场监管局",), ("公安局", "商务局")),
        ("市政府办公室牵头", ("市政府办公室",), ()),
    ],
)
def test_units_named_with_and_are_one_unit_unless_both_sides_are_units(
    body: str, lead: tuple[str, ...], support: tuple[str, ...]
) -> None:
    task = _only_task(body)
    assert (task.lead, task.support, task.collective) == (lead, support, False)


def test_import_plan_before_migrate_says_to_migrate(tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text("某某实施方案\n一、总体要求\n1.推广先进标准。（认可部牵头）\n", encoding="utf-8")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "certis.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    done = subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "certis", "import-plan", str(notice), "--dry-run"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "The database is not set up" in done.stderr and "run certis migrate first" in done.stderr
