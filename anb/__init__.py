"""The ANB Rising Stars Showcase API: an application factory made of named steps."""

from __future__ import annotations

import os

# MoviePy, when imported, loads the first .env found above its own folder into os.environ (python-dotenv):
# with the virtualenv inside the project that is the system's .env, whose production URLs then leak into
# tests and tools. Settings come only from the environment the scripts set.
os.environ.setdefault("PYTHON_DOTENV_DISABLED", "1")

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, ProductionConfig, config_from_env


def create_app(config_object: type[Config] | None = None) -> Flask:
    """Build the WSGI app for ``config_object`` (by default the class named by ANB_ENV)."""
    config_object = config_object or config_from_env()
    if issubclass(config_object, ProductionConfig):
        config_object.check()
    from anb.pipeline import App

    app = App(__name__)
    app.config.from_object(config_object)
    configure_observability(app)
    configure_json(app)
    configure_routing(app)
    configure_proxy(app)
    drain_request_bodies(app)
    load_voting_windows(app)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    add_security_headers(app)
    register_commands(app)
    register_shell_context(app)
    trim_request_pipeline(app)
    serve_prepared_reads(app)
    return app


def configure_observability(app: Flask) -> None:
    """JSON logs with a request id, and Prometheus metrics of every request (see anb/observability)."""
    from anb import observability

    observability.init_app(app)


def configure_json(app: Flask) -> None:
    """Parse request bodies with the guarded provider (no 500 from deep nesting or lone surrogates) and
    answer in readable UTF-8."""
    from anb.api import JSONProvider

    app.json = JSONProvider(app)
    app.json.ensure_ascii = False


def configure_routing(app: Flask) -> None:
    """Routing never redirects (a redirect's Location would be built from the client's Host header): a
    trailing or doubled slash simply matches; an id never takes a sibling route's name (see IdConverter)."""
    from anb.api import IdConverter

    app.url_map.strict_slashes = False
    app.url_map.merge_slashes = False
    app.url_map.redirect_defaults = False
    app.url_map.converters["id"] = IdConverter


def configure_proxy(app: Flask) -> None:
    """Trust Nginx's X-Forwarded-* headers, so rate limits and vote records see the real client address."""
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def drain_request_bodies(app: Flask) -> None:
    """Read every request body to its end before answering (see DrainRequestBody: no 502 behind Nginx)."""
    from anb.middleware import DrainRequestBody

    app.wsgi_app = DrainRequestBody(app.wsgi_app, app.config["MAX_UPLOAD_BYTES"]
                                    + app.config["UPLOAD_ENVELOPE_BYTES"])
def load_voting_windows(app: Flask) -> None:
    """Parse the voting windows once; a malformed setting fails here, not on the first vote."""
    from anb.public.windows import parse_windows

    app.extensions["voting_windows"] = parse_windows(app.config["VOTING_WINDOWS"])


def register_extensions(app: Flask) -> None:
    """Bind the bare extension instances, Celery included, to this app."""
    from anb import security  # noqa: F401  (registers the JWT loaders)
    from anb.celery_app import celery_init_app
    from anb.extensions import api, cache, cors, db, jwt, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config["MIGRATIONS_DIR"]))
    jwt.init_app(app)
    app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    cache.init_app(app)
    limiter.init_app(app)
    # Browsers may call the API only from the configured origins (none by default).
    cors.init_app(app, resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}},
                  allow_headers=["Authorization", "Content-Type"], expose_headers=["Retry-After"])
    api.init_app(app)
    celery_init_app(app)


def register_blueprints(app: Flask) -> None:
    """Register every resource's blueprint, from one list, and the docs' assets (not part of the API spec)."""
    from anb.api import IdConverter
    from anb.auth.routes import blp as auth_blp
    from anb.docs import blp as docs_blp
    from anb.extensions import api
    from anb.health.routes import blp as health_blp
    from anb.public.routes import blp as public_blp
    from anb.videos.routes import blp as videos_blp

    api.register_converter(IdConverter, lambda _converter: {"type": "string"})
    for blueprint in (health_blp, auth_blp, videos_blp, public_blp):
        api.register_blueprint(blueprint)
    app.register_blueprint(docs_blp)


def register_error_handlers(app: Flask) -> None:
    """Answer faults outside smorest's reach (e.g. unknown URLs, huge bodies) in the contract's JSON too."""
    from anb.errors import init_error_handlers

    init_error_handlers(app)


def add_security_headers(app: Flask) -> None:
    """Send the security headers with every answer, errors included (a header a route set itself wins)."""
    from anb.security import SECURITY_HEADERS

    wanted = [(name.lower(), name, value) for name, value in SECURITY_HEADERS.items()]

    @app.after_request
    def _security_headers(response):
        # One pass over the response's few headers (Headers.setdefault scans them once per name).
        present = {name.lower() for name, _value in response.headers}
        for lowered, name, value in wanted:
            if lowered not in present:
                response.headers.add(name, value)
        return response


def register_commands(app: Flask) -> None:
    """Add the admin CLI groups to ``flask``."""
    from anb.cli import COMMAND_GROUPS

    for group in COMMAND_GROUPS:
        app.cli.add_command(group)


def trim_request_pipeline(app: Flask) -> None:
    """Drop per-request work the API never uses (no cookie session; no limiter hook without app-wide
    limits): see anb/pipeline.py. Last, once every route and limit is registered."""
    from anb.extensions import limiter
    from anb.pipeline import trim

    trim(app, limiter)


def serve_prepared_reads(app: Flask) -> None:
    """Answer anonymous GETs of the prepared public reads from Redis before Flask (anb.middleware.
    PreparedReads), outermost, so no other middleware runs for them."""
    from anb.extensions import cache
    from anb.middleware import PreparedReads
    from anb.security import SECURITY_HEADERS

    app.wsgi_app = PreparedReads(app.wsgi_app, app.extensions["cache"][cache], SECURITY_HEADERS)


def register_shell_context(app: Flask) -> None:
    """Make the db and the models available in ``flask shell``."""
    from anb import models
    from anb.extensions import db

    names = {name: getattr(models, name) for name in models.__all__}
    app.shell_context_processor(lambda: {"db": db, **names})
