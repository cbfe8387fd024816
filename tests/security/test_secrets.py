"""Class 10: production refuses placeholder, example or guessable signing keys."""

import secrets

import pytest

from anb import create_app
from config import ProductionConfig, example_values

STRONG = secrets.token_urlsafe(48)


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "mysql+pymysql://a:b@127.0.0.1/c")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", STRONG)
    monkeypatch.setattr(ProductionConfig, "JWT_SECRET_KEY", secrets.token_urlsafe(48))
    return monkeypatch


@pytest.mark.parametrize("name", ["SECRET_KEY", "JWT_SECRET_KEY"])
@pytest.mark.parametrize("value", [*sorted(value for value in example_values() if value),
                                   "my-change-me-secret-" + STRONG, "Dev-not-for-production-" + STRONG])
def test_production_refuses_placeholders(production, name, value):
    production.setattr(ProductionConfig, name, value)

    with pytest.raises(RuntimeError, match=name):
        create_app(ProductionConfig)


@pytest.mark.parametrize("name", ["SECRET_KEY", "JWT_SECRET_KEY"])
@pytest.mark.parametrize("value", [STRONG[:31], "a" * 64, "0123456789" * 4])
def test_production_refuses_short_or_guessable_keys(production, name, value):
    production.setattr(ProductionConfig, name, value)

    with pytest.raises(RuntimeError, match=f"{name} must be a random value of at least 32"):
        create_app(ProductionConfig)


def test_the_example_file_holds_the_placeholders_checked():
    assert {"change-me", "change-me-to-at-least-32-random-characters"} <= example_values()


def test_production_starts_with_random_keys(production):
    assert create_app(ProductionConfig).config["SECRET_KEY"] == STRONG
