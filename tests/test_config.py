"""Configuration: production refuses to run without real secrets; booleans are parsed strictly."""

import pytest

from anb import create_app
from config import ProductionConfig, env_bool


def test_production_refuses_to_start_without_secrets(monkeypatch):
    for name in ProductionConfig.REQUIRED:
        monkeypatch.setattr(ProductionConfig, name, None)

    with pytest.raises(RuntimeError, match="JWT_SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_a_short_jwt_secret(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "mysql+pymysql://a:b@127.0.0.1/c")
    monkeypatch.setattr(ProductionConfig, "JWT_SECRET_KEY", "short")

    with pytest.raises(RuntimeError, match="at least 32"):
        create_app(ProductionConfig)


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("Yes", True), ("off", False)])
def test_env_bool_parses_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)

    assert env_bool("SOME_FLAG") is expected


def test_env_bool_rejects_anything_else(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")

    with pytest.raises(ValueError, match="SOME_FLAG"):
        env_bool("SOME_FLAG")
