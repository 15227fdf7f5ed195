"""Self-declarations: making one (and what is refused), its number, cancelling by the maker, invalidation by
the regulator, public or not; and, as a state machine, that every sequence of these keeps the record whole
and the import check in step with it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from certis.audit.models import AuditEvent, EventType
from certis.bodies.models import Body
from certis.catalogue import services
from certis.catalogue.checking import check_lines
from certis.catalogue.files.lines import read_lines
from certis.catalogue.models import DeclarationEvent, SelfDeclaration, Verdict
from certis.catalogue.services.declarations import declaration_number

from .conftest import DAY, MAKER_USCC, CatWorld, declare

pytestmark = pytest.mark.django_db
Status = SelfDeclaration.Status


def test_a_declaration_gets_the_years_next_number_and_its_first_event(cat_world: CatWorld) -> None:
    numbers = sorted(d.number for d in cat_world.declarations.values())
    assert (
        numbers
        == [declaration_number(2026, n) for n in range(1, 5)]
        == [f"SD20260{n:06d}" for n in range(1, 5)]
    )
    made = declare(
        cat_world.maker,
        cat_world.maker_org,
        cat_world.products["0302"],
        cat_world.lab,
        declared_on=dt.date(2027, 1, 5),
    )
    assert made.number == "SD20270000001"
    assert made.holder == cat_world.maker_holder and made.product_models == "MY-B63; MY-B32"
    assert list(made.events.values_list("from_status", "to_status")) == [("", Status.VALID)]
    assert AuditEvent.objects.filter(
        event_type=EventType.SELF_DECLARATION_MADE, target_id=str(made.pk)
    ).exists()


def test_models_are_kept_once_each_in_order(cat_world: CatWorld) -> None:
    made = declare(
        cat_world.maker,
        cat_world.maker_org,
        cat_world.products["0302"],
        cat_world.lab,
        models="A-1；B-2\nA-1; ; C-3",
    )
    assert made.product_models == "A-1; B-2; C-3" and made.model_list == ["A-1", "B-2", "C-3"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"product": "0718"}, "product"),  # third-party certification only
        ({"product": "0302", "declared_on": dt.date(2017, 1, 1)}, "product"),  # not yet on the route
        ({"product": "0507"}, "product"),  # no longer in the catalogue
        ({"models": " ; "}, "models"),
        ({"standards": ["GB 0000-1900"]}, "standards"),
        ({"standards": []}, "standards"),
        ({"test_report_number": ""}, "test_report_number"),
        ({"declarant_name": " "}, "declarant_name"),
        ({"lab": "certification_body"}, "lab"),
    ],
)
def test_a_declaration_that_breaks_a_rule_is_refused_and_nothing_is_kept(
    cat_world: CatWorld, kwargs: dict[str, Any], field: str
) -> None:
    product = cat_world.products[kwargs.pop("product", "0302")]
    lab = cat_world.cert.body if kwargs.pop("lab", None) else cat_world.lab
    before = SelfDeclaration.objects.count()
    with pytest.raises(ValidationError) as error:
        declare(cat_world.maker, cat_world.maker_org, product, lab, **kwargs)
    assert field in error.value.message_dict
    assert SelfDeclaration.objects.count() == before


def test_a_declaration_on_the_either_route_is_allowed(cat_world: CatWorld) -> None:
    made = declare(cat_world.maker, cat_world.maker_org, cat_world.products["0704"], cat_world.lab)
    assert made.status == Status.VALID


def test_a_lab_whose_qualification_is_suspended_cannot_back_a_declaration(cat_world: CatWorld) -> None:
    Body.objects.filter(pk=cat_world.lab.pk).update(status=Body.Status.SUSPENDED)
    with pytest.raises(ValidationError, match="not a qualified lab"):
        declare(
            cat_world.maker,
            cat_world.maker_org,
            cat_world.products["0302"],
            Body.objects.get(pk=cat_world.lab.pk),
        )


def test_cancelled_and_invalidated_are_final(cat_world: CatWorld) -> None:
    for name in ("cancelled", "invalidated"):
        declaration = cat_world.declarations[name]
        with pytest.raises(ValidationError, match="final"):
            services.cancel_self_declaration(
                acting_user=cat_world.maker, declaration=declaration, reason="再次"
            )
        with pytest.raises(ValidationError, match="final"):
            services.invalidate_self_declaration(
                acting_user=cat_world.supervisor, declaration=declaration, reason="再次"
            )
    cancelled = cat_world.declarations["cancelled"]
    assert list(cancelled.events.values_list("to_status", "reason")) == [
        (Status.VALID, ""),
        (Status.CANCELLED, "停产"),
    ]


def test_a_status_change_needs_a_reason(cat_world: CatWorld) -> None:
    with pytest.raises(ValidationError) as error:
        services.cancel_self_declaration(
            acting_user=cat_world.maker, declaration=cat_world.declarations["valid"], reason=""
        )
    assert "reason" in error.value.message_dict


def test_hiding_and_publishing_are_recorded(cat_world: CatWorld) -> None:
    declaration = cat_world.declarations["valid"]
    services.set_declaration_public(acting_user=cat_world.maker, declaration=declaration, is_public=False)
    declaration.refresh_from_db()
    assert not declaration.is_public
    event = AuditEvent.objects.filter(event_type=EventType.SELF_DECLARATION_STATUS_CHANGED).latest("id")
    assert event.data == {"before": {"public": True}, "after": {"public": False}}


def test_a_maker_without_a_registry_link_cannot_declare(cat_world: CatWorld) -> None:
    from certis.accounts.models import Organisation

    firm = Organisation.objects.create(name="新成立企业", kind="certified_firm")
    with pytest.raises(ValidationError, match="unified social credit code"):
        declare(cat_world.maker, firm, cat_world.products["0302"], cat_world.lab)


class DeclarationLife(RuleBasedStateMachine):
    """Makes, cancels, invalidates, hides and publishes declarations in any order; after every step the
    record agrees with what was done, and the import check agrees with the record."""

    world: CatWorld

    def __init__(self) -> None:
        super().__init__()
        self.expected: dict[str, dict[str, Any]] = {}

    @initialize()
    def start(self) -> None:
        self.expected = {}

    @rule(
        models=st.lists(
            st.sampled_from(["A-1", "B-2", "C-3", "電壓-5", "ｄ-6"]), min_size=1, max_size=3, unique=True
        )
    )
    def make(self, models: list[str]) -> None:
        made = declare(
            self.world.maker,
            self.world.maker_org,
            self.world.products["0302"],
            self.world.lab,
            models="; ".join(models),
            declared_on=DAY,
        )
        self.expected[made.number] = {"status": Status.VALID, "public": True, "events": 1, "model": models[0]}

    def _pick(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.expected)))

    @precondition(lambda self: self.expected)
    @rule(data=st.data(), by_maker=st.booleans())
    def end(self, data: st.DataObject, by_maker: bool) -> None:
        number = self._pick(data)
        declaration = SelfDeclaration.objects.get(number=number)
        try:
            if by_maker:
                services.cancel_self_declaration(
                    acting_user=self.world.maker, declaration=declaration, reason="停产"
                )
            else:
                services.invalidate_self_declaration(
                    acting_user=self.world.supervisor, declaration=declaration, reason="抽查不合格"
                )
        except ValidationError:
            assert self.expected[number]["status"] != Status.VALID
            return
        assert self.expected[number]["status"] == Status.VALID
        self.expected[number]["status"] = Status.CANCELLED if by_maker else Status.INVALIDATED
        self.expected[number]["events"] += 1

    @precondition(lambda self: self.expected)
    @rule(data=st.data(), public=st.booleans())
    def publish(self, data: st.DataObject, public: bool) -> None:
        number = self._pick(data)
        declaration = SelfDeclaration.objects.get(number=number)
        services.set_declaration_public(
            acting_user=self.world.maker, declaration=declaration, is_public=public
        )
        self.expected[number]["public"] = public

    @invariant()
    def record_agrees(self) -> None:
        for number, expected in self.expected.items():
            declaration = SelfDeclaration.objects.get(number=number)
            assert (declaration.status, declaration.is_public) == (expected["status"], expected["public"])
            assert DeclarationEvent.objects.filter(declaration=declaration).count() == expected["events"]

    @invariant()
    def check_agrees(self) -> None:
        if not self.expected:
            return
        numbers = sorted(self.expected)
        rows = [
            {
                "hs_code": "8536200000",
                "importer_uscc": MAKER_USCC,
                "number": n,
                "model": self.expected[n]["model"],
            }
            for n in numbers
        ]
        result = check_lines(read_lines(rows), DAY)
        for number, verdict in zip(numbers, result.verdicts, strict=True):
            assert (verdict.verdict == Verdict.COVERED) == (self.expected[number]["status"] == Status.VALID)


def test_any_sequence_of_declaration_changes_keeps_record_and_check_in_step(cat_world: CatWorld) -> None:
    DeclarationLife.world = cat_world
    run_state_machine_as_test(
        DeclarationLife,
        settings=settings(
            max_examples=12,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
