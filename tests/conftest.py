"""Fixtures: the real MariaDB test database migrated once, a clean database for every test, users, tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_jwt_extended import create_access_token
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from anb import create_app
from anb.extensions import cache, db
from anb.models import Base, Role, User
from anb.security import hash_password
from config import TestingConfig

PASSWORD = "correct-horse-9"


@pytest.fixture(scope="session")
def _migrated_database() -> None:
    """Drop whatever the test database holds and build it from the migrations, as production does."""
    app = create_app(TestingConfig)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
            for table in inspect(connection).get_table_names():
                connection.execute(text(f"DROP TABLE `{table}`"))
            connection.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
        upgrade(directory=str(app.config["MIGRATIONS_DIR"]))
        db.engine.dispose()


@pytest.fixture
def app(_migrated_database: None) -> Iterator[Flask]:
    """A fresh app on an empty database (rows from the previous test deleted, cache flushed)."""
    app = create_app(TestingConfig)
    with app.app_context():
        _empty_tables()
        cache.clear()
        yield app
        db.session.remove()
        db.engine.dispose()


def _empty_tables() -> None:
    with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """The app's test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    """The app's CLI runner."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One hash of PASSWORD, made once: hashing is deliberately slow."""
    with create_app(TestingConfig).app_context():
        return hash_password(PASSWORD)


@pytest.fixture
def make_user(app: Flask, password_hash: str) -> Callable[..., User]:
    """Insert a user (password PASSWORD); keyword arguments override the defaults."""
    counter = iter(range(1, 1_000_000))

    def make(**fields) -> User:
        number = next(counter)
        values = {"email": f"player{number}@example.com", "first_name": "Jugador",
                  "last_name": f"N{number}", "city": "Bogotá", "country": "Colombia",
                  "role": Role.PLAYER, "password_hash": password_hash}
        user = User(**{**values, **fields})
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def user(make_user: Callable[..., User]) -> User:
    """A signed-up player."""
    return make_user(email="ana@example.com", first_name="Ana", last_name="Pérez")


def bearer(user: User, **token_options) -> dict[str, str]:
    """Authorization headers carrying a fresh access token for ``user``."""
    return {"Authorization": f"Bearer {create_access_token(identity=user, **token_options)}"}


@pytest.fixture
def auth_headers(user: User) -> dict[str, str]:
    """Authorization headers for ``user``."""
    return bearer(user)
