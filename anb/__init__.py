"""The ANB Rising Stars Showcase API: an application factory made of named steps."""

from __future__ import annotations

import logging
import os

# MoviePy, when imported, loads the first .env found above its own folder into os.environ (python-dotenv):
# with the virtualenv inside the project that is the system's .env, whose production URLs then leak into
# tests and tools. Settings come only from the environment the scripts set.
os.environ.setdefault("PYTHON_DOTENV_DISABLED", "1")

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, ProductionConfig, config_from_env

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def create_app(config_object: type[Config] | None = None) -> Flask:
    """Build the WSGI app for ``config_object`` (by default the class named by ANB_ENV)."""
    config_object = config_object or config_from_env()
    if issubclass(config_object, ProductionConfig):
        config_object.check()
    app = Flask(__name__)
    app.config.from_object(config_object)
    app.json.ensure_ascii = False
    configure_logging(app)
    configure_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    register_shell_context(app)
    return app


def configure_logging(app: Flask) -> None:
    """Log to stderr (gunicorn and Celery collect it) at the configured level."""
    logging.basicConfig(level=app.config["LOG_LEVEL"], format=LOG_FORMAT)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def configure_proxy(app: Flask) -> None:
    """Trust Nginx's X-Forwarded-* headers, so rate limits and vote records see the real client address."""
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    """Bind the bare extension instances, Celery included, to this app."""
    from anb import security  # noqa: F401  (registers the JWT loaders)
    from anb.celery_app import celery_init_app
    from anb.extensions import api, cache, db, jwt, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config["MIGRATIONS_DIR"]))
    jwt.init_app(app)
    app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    cache.init_app(app)
    limiter.init_app(app)
    api.init_app(app)
    celery_init_app(app)


def register_blueprints(app: Flask) -> None:
    """Register every resource's blueprint, from one list."""
    from anb.auth.routes import blp as auth_blp
    from anb.extensions import api
    from anb.health.routes import blp as health_blp
    from anb.public.routes import blp as public_blp
    from anb.videos.routes import blp as videos_blp

    for blueprint in (health_blp, auth_blp, videos_blp, public_blp):
        api.register_blueprint(blueprint)


def register_error_handlers(app: Flask) -> None:
    """Answer faults outside smorest's reach (e.g. unknown URLs, huge bodies) in the contract's JSON too."""
    from anb.errors import init_error_handlers

    init_error_handlers(app)


def register_commands(app: Flask) -> None:
    """Add the admin CLI groups to ``flask``."""
    from anb.cli import COMMAND_GROUPS

    for group in COMMAND_GROUPS:
        app.cli.add_command(group)


def register_shell_context(app: Flask) -> None:
    """Make the db and the models available in ``flask shell``."""
    from anb import models
    from anb.extensions import db

    names = {name: getattr(models, name) for name in models.__all__}
    app.shell_context_processor(lambda: {"db": db, **names})
