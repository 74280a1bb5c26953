"""Every shared factory makes a record that passes the model's own validation (of the
fields it sets: an empty JSON field left at its default is what the services save too)."""

from __future__ import annotations

import factory
import pytest

from tests import factories

FACTORIES = sorted(
    (
        value
        for value in vars(factories).values()
        if isinstance(value, type)
        and issubclass(value, factory.django.DjangoModelFactory)
        and value is not factory.django.DjangoModelFactory
    ),
    key=lambda value: value.__name__,
)


@pytest.mark.django_db
@pytest.mark.parametrize("model_factory", FACTORIES, ids=lambda value: value.__name__)
def test_each_factory_makes_a_valid_record(model_factory) -> None:
    record = model_factory()
    left_at_default = [
        field.name
        for field in record._meta.concrete_fields
        if field.has_default() and getattr(record, field.attname) == field.get_default()
    ]
    record.full_clean(exclude=left_at_default)
    assert type(record)._default_manager.filter(pk=record.pk).exists()
