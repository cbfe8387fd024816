"""Configuration: production refuses to run without real secrets; booleans are parsed strictly."""

import runpy

import pytest

from anb import create_app
from config import ROOT, ProductionConfig, env_bool


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


@pytest.mark.parametrize(("worker_class", "expected"), [(None, ("gthread", 4)), ("sync", ("sync", 1))])
def test_gunicorn_runs_the_worker_class_it_is_given(monkeypatch, tmp_path, worker_class, expected):
    """A sync worker with more than one thread would silently be run as gthread by gunicorn."""
    if worker_class:
        monkeypatch.setenv("GUNICORN_WORKER_CLASS", worker_class)
    else:
        monkeypatch.delenv("GUNICORN_WORKER_CLASS", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    monkeypatch.setenv("ANB_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))

    settings = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))

    assert (settings["worker_class"], settings["threads"]) == expected
