"""Appending: the entry's bytes, its links to the subject's previous entry, and transactions."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction

from certis.ledger.models import Entry, LogHead
from certis.ledger.selectors import latest_entry_for
from certis.ledger.services import append, append_many

from .fixtures import MOMENT, synthetic

pytestmark = pytest.mark.django_db


def test_an_entry_is_canonical_json_with_type_subject_fields_time_and_prev() -> None:
    with transaction.atomic():
        entry = append(
            type="certificate.suspended",
            subject={"certificate": "2025010101000001"},
            fields={"status": "suspended", "reason": "监督抽查不合格", "until": dt.date(2026, 3, 1)},
            at=dt.datetime(2026, 1, 2, 11, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        )
    assert entry.index == 0
    assert entry.data == (
        '{"fields":{"reason":"监督抽查不合格","status":"suspended","until":"2026-03-01"},"prev":null,'
        '"subject":{"certificate":"2025010101000001"},"time":"2026-01-02T03:04:05Z",'
        '"type":"certificate.suspended","v":1}'
    )
    assert (entry.subject_kind, entry.subject_id) == ("certificate", "2025010101000001")


def test_prev_names_the_subject_s_previous_entry_within_and_across_batches() -> None:
    with transaction.atomic():
        append_many(synthetic(5, subjects=2))
    with transaction.atomic():
        append(type="body.suspended", subject={"body": "CNCA-R-2026-001"}, fields={}, at=MOMENT)
        last = append(type="certificate.withdrawn", subject={"certificate": "2026" + "0" * 12}, fields={})
    prevs = [json.loads(data)["prev"] for data in Entry.objects.values_list("data", flat=True)]
    assert prevs == [None, None, 0, 1, 2, None, 4]
    assert latest_entry_for({"certificate": "2026" + "0" * 12}) == last
    assert latest_entry_for({"body": "CNCA-R-2026-001"}).index == 5
    assert latest_entry_for({"body": "CNCA-R-1999-001"}) is None


def test_a_rolled_back_transaction_leaves_no_entry_and_gives_its_index_back() -> None:
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        append_many(synthetic(3))
        raise Refused
    assert not Entry.objects.exists()
    with transaction.atomic():
        entry = append(type="certificate.reported", subject={"certificate": "1"}, fields={})
    assert entry.index == 0
    assert LogHead.objects.get(pk=LogHead.APPEND).next_index == 1


@pytest.mark.django_db(transaction=True)
def test_appending_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        append(type="certificate.reported", subject={"certificate": "1"}, fields={})
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("kind", "subject", "fields"),
    [
        ("Certificate Reported", {"certificate": "1"}, {}),
        ("certificate.reported", {}, {}),
        ("certificate.reported", {"Certificate": "1"}, {}),
        ("certificate.reported", {"certificate": ""}, {}),
        ("certificate.reported", {"certificate": "1"}, {"score": float("nan")}),
        ("certificate.reported", {"certificate": "1"}, {"text": "x" * 70_000}),
    ],
)
def test_bad_entries_are_refused(kind: str, subject: dict[str, str], fields: dict[str, object]) -> None:
    with pytest.raises(ValueError), transaction.atomic():
        append(type=kind, subject=subject, fields=fields)
    assert not Entry.objects.exists()


def test_a_subject_of_several_identifiers_is_found_by_all_of_them() -> None:
    subject = {"body": "CNCA-R-2026-001", "lab": "L0001"}
    with transaction.atomic():
        entry = append(type="lab.suspended", subject=subject, fields={})
    assert (entry.subject_kind, entry.subject_id) == ("body+lab", '["CNCA-R-2026-001","L0001"]')
    assert latest_entry_for(subject) == entry


def test_a_large_batch_keeps_every_character_of_its_entries() -> None:
    """On PostgreSQL a large batch goes in by COPY, whose text format escapes backslashes and tabs."""
    odd = 'a\\b\t"c"\n\r\u2014\U0001f600\\N'
    items = [
        {
            "type": "certificate.reported",
            "subject": {"certificate": f"{odd}{i}"},
            "fields": {"note": odd, "i": i},
        }
        for i in range(1_200)
    ]
    with transaction.atomic():
        written = append_many(items)
    stored = dict(Entry.objects.values_list("index", "data"))
    assert stored == {entry.index: entry.data for entry in written}
    assert json.loads(stored[7])["fields"] == {"i": 7, "note": odd}
    assert latest_entry_for({"certificate": f"{odd}7"}).index == 7


def test_the_copy_path_names_entry_s_fields_in_their_order() -> None:
    from certis.ledger.services.append import FIELD_NAMES

    assert [field.attname for field in Entry._meta.concrete_fields] == FIELD_NAMES
