"""Factories shared by every app's tests."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth.models import Group

from core.models import Division, User, Warehouse


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = "GQ"
    name = "工起事业部"


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse
        django_get_or_create = ("code",)

    division = factory.SubFactory(DivisionFactory)
    kind = Warehouse.Kind.MAIN
    code = factory.LazyAttribute(lambda o: f"{o.division.code}-{o.kind.upper()}")
    name = factory.LazyAttribute(lambda o: f"{o.division.name}{o.kind}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.django.Password("pass-for-tests")

    @factory.post_generation
    def roles(user: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        for role in extracted or ():
            user.groups.add(Group.objects.get_or_create(name=role)[0])

    @factory.post_generation
    def division_list(user: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        for division in extracted or ():
            user.divisions.add(division)
