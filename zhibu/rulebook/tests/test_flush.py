"""The default requirements survive a transactional test's flush (conftest puts them back),
so which tests a worker ran before cannot change what the compliance tests see."""

from __future__ import annotations

import importlib

import pytest

from zhibu.rulebook.models import Requirement

DEFAULTS = [
    *importlib.import_module("zhibu.rulebook.migrations.0002_fill_requirements").DEFAULTS,
    *importlib.import_module("zhibu.rulebook.migrations.0004_fill_secretary_lectures").DEFAULTS,
]


@pytest.mark.django_db(transaction=True)
def test_it_empties_the_tables_like_any_transactional_test():
    Requirement.objects.all().delete()
    assert not Requirement.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_finds_the_seeded_requirements_after_a_flush():
    assert Requirement.objects.count() == len(DEFAULTS)


@pytest.mark.django_db
def test_it_finds_them_in_an_ordinary_test_too():
    assert Requirement.objects.count() == len(DEFAULTS)
