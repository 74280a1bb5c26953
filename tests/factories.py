"""factory_boy factories shared by the tests."""

from __future__ import annotations

import factory

from chorus.accounts.models import Role, Team, User


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.gov.uk")
    full_name = factory.Faker("name", locale="en_GB")
    role = Role.ENGAGEMENT_OFFICER
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def teams(self, create: bool, extracted: list[Team] | None, **kwargs: object) -> None:
        if create and extracted:
            self.teams.set(extracted)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Organisation"

    name = factory.Sequence(lambda n: f"Organisation {n}")


def make_person(**kwargs: object):
    """A person made through the service, so contacts and the search index are set."""
    from chorus.directory.services import PersonData, person_create

    return person_create(actor=None, data=PersonData(**kwargs))  # type: ignore[arg-type]
