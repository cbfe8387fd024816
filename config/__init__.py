"""Configuration classes: a base read from the environment, one subclass per deployment.

Secrets have development defaults only in development and testing; production refuses to start without them.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from kombu import Exchange, Queue

ROOT = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Parse a boolean variable strictly, so a typo fails loudly instead of silently meaning False."""
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be a boolean, got {value!r}")


def env_int(name: str, default: int) -> int:
    """Read an integer variable with a default."""
    return int(os.environ.get(name, default))


def env_float(name: str, default: float) -> float:
    """Read a float variable with a default."""
    return float(os.environ.get(name, default))


def mysql_url(user: str, password: str, database: str) -> str:
    """A pymysql URL for the local MariaDB, with utf8mb4 so names like "Muñoz" survive."""
    host = os.environ.get("DB_HOST", "127.0.0.1")
    port = os.environ.get("DB_PORT", "3306")
    return f"mysql+pymysql://{user}:{password}@{host}:{port}/{database}?charset=utf8mb4"


#: The processing chain's queues, in order; stage ``tasks.<queue>`` is routed to queue ``<queue>``.
PIPELINE_QUEUES = ("trim", "transform", "brand", "finalize")
#: Housekeeping tasks (the sweeper), on a queue of their own consumed next to `finalize`.
MAINTENANCE_QUEUE = "maintenance"
#: A stage job that gives up (retries spent, or bad media) is rejected, and RabbitMQ moves it through this
#: durable fanout exchange to the durable queue DEAD_LETTER_QUEUE (declared by the workers at start; the
#: policy that names the exchange on the pipeline queues is set by scripts/up and scripts/test, because a
#: queue's own arguments cannot change once it exists). ``flask videos retry`` replays from there.
DEAD_LETTER_EXCHANGE = "anb.dead"
DEAD_LETTER_QUEUE = "dead_letters"
DEAD_LETTER_POLICY = {"name": "anb-dead-letters", "pattern": f"^({'|'.join(PIPELINE_QUEUES)})$",
                      "definition": {"dead-letter-exchange": DEAD_LETTER_EXCHANGE}}
#: The default queue of a task no route names: declared nowhere, so sending one fails loudly.
UNROUTED_QUEUE = "unrouted"


def celery_settings(broker_url: str, stage_time_limit: int, sweep_interval: float = 60) -> dict:
    """Celery's settings as one nested dict (Flask's celery pattern), shared by every deployment."""
    routes = {f"tasks.{queue}.*": {"queue": queue} for queue in PIPELINE_QUEUES}
    routes["tasks.sweeper.*"] = {"queue": MAINTENANCE_QUEUE}
    return {
        "task_soft_time_limit": stage_time_limit,
        "task_time_limit": stage_time_limit + 30,
        "broker_url": broker_url,
        "broker_connection_timeout": 4,
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_acks_on_failure_or_timeout": False,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_queues": [Queue(queue, Exchange(queue), routing_key=queue)
                        for queue in (*PIPELINE_QUEUES, MAINTENANCE_QUEUE)],
        "task_create_missing_queues": False,
        "task_default_queue": UNROUTED_QUEUE,
        "task_routes": routes,
        "task_publish_retry_policy": {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        "imports": [*(f"tasks.{queue}" for queue in PIPELINE_QUEUES), "tasks.sweeper"],
        "beat_schedule": {"sweep": {"task": "tasks.sweeper.sweep", "schedule": sweep_interval,
                                    "options": {"expires": sweep_interval}}},
    }


class Config:
    """Settings shared by every deployment; each can be overridden by an environment variable."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY")
    JWT_ACCESS_TOKEN_EXPIRES = timedelta(seconds=env_int("JWT_ACCESS_TOKEN_EXPIRES", 3600))
    JWT_TOKEN_LOCATION = ["headers"]

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_recycle": 1800,
        "pool_size": env_int("DB_POOL_SIZE", 10),
        "max_overflow": env_int("DB_MAX_OVERFLOW", 20),
        "connect_args": {"connect_timeout": 3},
    }

    STAGE_SOFT_TIME_LIMIT = env_int("STAGE_SOFT_TIME_LIMIT", 300)
    SWEEP_INTERVAL_SECONDS = env_int("SWEEP_INTERVAL_SECONDS", 60)
    CELERY = celery_settings(os.environ.get("BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//"),
                             STAGE_SOFT_TIME_LIMIT, SWEEP_INTERVAL_SECONDS)

    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    #: GET /api/health reuses its checks this long (per process): polling never opens a connection per call.
    HEALTH_CACHE_SECONDS = env_float("HEALTH_CACHE_SECONDS", 2.0)
    CACHE_TYPE = "anb.cache.JSONRedisCache"
    #: Only the ranking is cached: one second keeps a vote visible within the contract's two.
    CACHE_DEFAULT_TIMEOUT = env_int("RANKING_CACHE_SECONDS", 1)
    CACHE_KEY_PREFIX = "anb:"
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    #: A limit whose storage (Redis) fails is not skipped: the request fails closed with a JSON 503.
    RATELIMIT_SWALLOW_ERRORS = False
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    #: Per client address across every email it names (LOGIN_RATE_LIMIT counts per account).
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "60 per minute")
    VOTE_RATE_LIMIT = os.environ.get("VOTE_RATE_LIMIT", "60 per minute")
    #: Per client address: generous, since a campus or a carrier's NAT puts many people behind one address.
    VOTE_ADDRESS_RATE_LIMIT = os.environ.get("VOTE_ADDRESS_RATE_LIMIT", "300 per minute")
    SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "5 per hour")

    #: Sign-up hygiene: throwaway-mail domains refused, and mailboxes that ignore dots or +tags (one account
    #: per mailbox). ``alias_of`` maps a domain onto the one it is another name of.
    #: (A relative DISPOSABLE_DOMAINS_FILE is taken from the project root.)
    DISPOSABLE_DOMAINS_FILE = str(ROOT / os.environ.get("DISPOSABLE_DOMAINS_FILE",
                                                        "config/disposable_domains.txt"))
    MAILBOX_RULES = {
        "gmail.com": {"ignores_dots": True, "tag": "+"},
        "googlemail.com": {"ignores_dots": True, "tag": "+", "alias_of": "gmail.com"},
        "outlook.com": {"tag": "+"},
        "hotmail.com": {"tag": "+"},
        "live.com": {"tag": "+"},
        "icloud.com": {"tag": "+"},
        "me.com": {"tag": "+", "alias_of": "icloud.com"},
        "proton.me": {"tag": "+"},
        "protonmail.com": {"tag": "+", "alias_of": "proton.me"},
        "fastmail.com": {"tag": "+"},
    }

    #: ``flask votes suspicious``: what makes a group of votes worth a look.
    FRAUD_NEW_ACCOUNT_HOURS = env_int("FRAUD_NEW_ACCOUNT_HOURS", 48)
    FRAUD_SAME_ADDRESS_MIN_ACCOUNTS = env_int("FRAUD_SAME_ADDRESS_MIN_ACCOUNTS", 3)
    FRAUD_QUICK_VOTE_MINUTES = env_int("FRAUD_QUICK_VOTE_MINUTES", 10)
    FRAUD_QUICK_VOTE_MIN_ACCOUNTS = env_int("FRAUD_QUICK_VOTE_MIN_ACCOUNTS", 3)
    FRAUD_BURST_MINUTES = env_int("FRAUD_BURST_MINUTES", 10)
    FRAUD_BURST_MIN_VOTES = env_int("FRAUD_BURST_MIN_VOTES", 30)
    FRAUD_SAME_DAY_MIN_VOTES = env_int("FRAUD_SAME_DAY_MIN_VOTES", 10)
    FRAUD_SAME_DAY_SHARE = env_float("FRAUD_SAME_DAY_SHARE", 0.6)

    #: ``flask ranking finalists``: the jury's weight in the combined score (the public's is 1 minus it).
    FINALISTS_JURY_WEIGHT = env_float("FINALISTS_JURY_WEIGHT", 0.5)
    #: ``flask media gc`` leaves younger files alone: an upload or a stage may be about to commit their row.
    MEDIA_GC_GRACE_SECONDS = env_int("MEDIA_GC_GRACE_SECONDS", 3600)

    #: Voting windows per phase as JSON (see anb/public/windows.py); empty: one window, always open.
    VOTING_WINDOWS = os.environ.get("VOTING_WINDOWS", "")

    #: argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 23 ms per hash here.
    ARGON2_TIME_COST = env_int("ARGON2_TIME_COST", 2)
    ARGON2_MEMORY_COST_KIB = env_int("ARGON2_MEMORY_COST_KIB", 19456)
    ARGON2_PARALLELISM = env_int("ARGON2_PARALLELISM", 1)

    MIGRATIONS_DIR = ROOT / "migrations"
    MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", ROOT / "var" / "media"))
    MEDIA_URL = os.environ.get("MEDIA_URL", "/media")
    STATIC_ASSETS = ROOT / "static"
    #: Where media live: ``local`` (MEDIA_ROOT, served by Nginx; one machine) or ``s3`` (an S3-compatible
    #: bucket shared by every host; clients get presigned URLs). See docs/scale-out.md.
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    #: The store's address (empty: AWS itself); clients fetch presigned URLs from it, so they must reach it.
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_REGION = os.environ.get("S3_REGION", "us-east-1")
    #: Empty: boto3's usual credential chain (AWS_* variables, an instance role).
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID", "")
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY", "")
    #: ``path`` (bucket in the path) works with any S3-compatible server; ``virtual`` for AWS's newest rules.
    S3_ADDRESSING_STYLE = os.environ.get("S3_ADDRESSING_STYLE", "path")
    #: Lifetime of the presigned URL of a processed file or poster (public media), in seconds.
    S3_URL_SECONDS = env_int("S3_URL_SECONDS", 3600)
    #: Lifetime of the presigned URL an owner is redirected to for an original: followed at once.
    S3_PRIVATE_URL_SECONDS = env_int("S3_PRIVATE_URL_SECONDS", 60)
    #: Files above the threshold go up in parts of the chunk size (S3's minimum part is 5 MiB), at most
    #: S3_MAX_CONCURRENCY parts at a time: an upload's heap peaks about 2 parts above that, 28 MiB
    #: with these defaults (scripts/bench_storage.py, docs/scale-out.md).
    S3_MULTIPART_THRESHOLD_BYTES = env_int("S3_MULTIPART_THRESHOLD_BYTES", 8 * 1024 * 1024)
    S3_MULTIPART_CHUNK_BYTES = env_int("S3_MULTIPART_CHUNK_BYTES", 8 * 1024 * 1024)
    S3_MAX_CONCURRENCY = env_int("S3_MAX_CONCURRENCY", 2)
    S3_CONNECT_TIMEOUT = env_float("S3_CONNECT_TIMEOUT", 3)
    S3_READ_TIMEOUT = env_float("S3_READ_TIMEOUT", 30)
    MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 100 * 1024 * 1024)
    #: The multipart envelope around an upload's file (boundaries, part headers, the title).
    UPLOAD_ENVELOPE_BYTES = 1024 * 1024
    #: Every body but an upload's: far above any JSON this API takes, far below what costs real work.
    MAX_CONTENT_LENGTH = env_int("MAX_BODY_BYTES", 1024 * 1024)
    #: Parts of an upload form (a title and a file); text parts stay under Flask's 500 kB default.
    MAX_FORM_PARTS = 16
    VIDEO_MIN_SECONDS = env_float("VIDEO_MIN_SECONDS", 20)
    VIDEO_MAX_SECONDS = env_float("VIDEO_MAX_SECONDS", 60)
    VIDEO_MIN_SHORT_SIDE = env_int("VIDEO_MIN_SHORT_SIDE", 1080)
    #: Sane upper limits (4K UHD, 60 fps): beyond them one upload would hold a worker for minutes.
    VIDEO_MAX_LONG_SIDE = env_int("VIDEO_MAX_LONG_SIDE", 3840)
    VIDEO_MAX_FRAME_RATE = env_float("VIDEO_MAX_FRAME_RATE", 60)
    PROCESSED_MAX_SECONDS = env_float("PROCESSED_MAX_SECONDS", 30)
    #: An upload's file is deleted by the sweeper if its row is not committed within this time (a crash).
    UPLOAD_GRACE_SECONDS = env_int("UPLOAD_GRACE_SECONDS", 3600)
    #: The sweeper (Celery beat, every SWEEP_INTERVAL_SECONDS) re-publishes a video that has not moved for
    #: SWEEP_STUCK_AFTER_SECONDS (longer than a stage's hard time limit), at most SWEEP_MAX_ATTEMPTS times.
    SWEEP_STUCK_AFTER_SECONDS = env_int("SWEEP_STUCK_AFTER_SECONDS", 900)
    SWEEP_MAX_ATTEMPTS = env_int("SWEEP_MAX_ATTEMPTS", 3)

    API_TITLE = "ANB Rising Stars Showcase API"
    API_VERSION = "1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    #: Swagger UI and ReDoc load their assets from the app (anb/docs.py), never from a CDN.
    OPENAPI_SWAGGER_UI_URL = "/api/docs/assets/swagger-ui/"
    #: No validatorUrl: Swagger UI would otherwise send the spec's address to validator.swagger.io.
    OPENAPI_SWAGGER_UI_CONFIG = {"validatorUrl": None}
    OPENAPI_REDOC_PATH = "/redoc"
    OPENAPI_REDOC_URL = "/api/docs/assets/redoc/redoc.standalone.js"
    API_SPEC_OPTIONS = {
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                                          "bearerFormat": "JWT"}}},
    }
    JSON_SORT_KEYS = False
    #: Origins allowed to call the API from a browser, comma-separated; none by default.
    CORS_ORIGINS = [origin.strip() for origin in os.environ.get("CORS_ORIGINS", "").split(",")
                    if origin.strip()]
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    PROXY_FIX_HOPS = env_int("PROXY_FIX_HOPS", 1)


class DevelopmentConfig(Config):
    """A developer's machine: safe local defaults for every secret."""

    SECRET_KEY = Config.SECRET_KEY or "dev-secret-key-not-for-production"
    JWT_SECRET_KEY = Config.JWT_SECRET_KEY or "dev-jwt-secret-key-not-for-production-0123456789"
    SQLALCHEMY_DATABASE_URI = Config.SQLALCHEMY_DATABASE_URI or mysql_url("anb", "anb", "anb")


class TestingConfig(DevelopmentConfig):
    """The test suite: its own database, RabbitMQ vhost and media root, a cheap KDF, no rate limits."""

    TESTING = True
    SQLALCHEMY_DATABASE_URI = (os.environ.get("TEST_DATABASE_URL")
                               or mysql_url("anb_test", "anb_test", "anb_test"))
    STAGE_SOFT_TIME_LIMIT = 60
    CELERY = celery_settings(os.environ.get("TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/anb_test"),
                             STAGE_SOFT_TIME_LIMIT)
    MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", ROOT / "var" / "test-media"))
    REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    RATELIMIT_ENABLED = False
    #: Each test sees an outage at once (tests/health sets its own value to prove the reuse).
    HEALTH_CACHE_SECONDS = 0.0
    PROXY_FIX_HOPS = 0
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST_KIB = 8192
    VIDEO_MIN_SECONDS = 2
    VIDEO_MAX_SECONDS = 20
    VIDEO_MIN_SHORT_SIDE = 240
    VIDEO_MAX_LONG_SIDE = 1280
    VIDEO_MAX_FRAME_RATE = 60
    PROCESSED_MAX_SECONDS = 3


def example_values(path: Path = ROOT / ".env.example") -> set[str]:
    """The values written in .env.example: placeholders that must never run a real deployment."""
    lines = path.read_text().splitlines() if path.exists() else []
    return {line.split("=", 1)[1].strip() for line in lines if "=" in line and not line.startswith("#")}


class ProductionConfig(Config):
    """The real deployment: every secret must come from the environment."""

    REQUIRED = ("SECRET_KEY", "JWT_SECRET_KEY", "SQLALCHEMY_DATABASE_URI")
    #: Keys that sign sessions and tokens: anyone who knows one can forge them.
    SIGNING_KEYS = ("SECRET_KEY", "JWT_SECRET_KEY")
    MIN_KEY_LENGTH = 32
    #: A random key of 32 characters has many different ones; "aaaa..." or "12341234..." do not.
    MIN_DISTINCT_CHARACTERS = 12
    PLACEHOLDER_MARKS = ("change-me", "not-for-production")

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a missing, placeholder or guessable signing key rather than run insecurely."""
        missing = [name for name in cls.REQUIRED if not getattr(cls, name)]
        if missing:
            raise RuntimeError(f"Production needs these environment settings: {', '.join(missing)}")
        placeholders = example_values()
        for name in cls.SIGNING_KEYS:
            value = getattr(cls, name)
            if value in placeholders or any(mark in value.lower() for mark in cls.PLACEHOLDER_MARKS):
                raise RuntimeError(f"{name} is a placeholder (from .env.example); set a random value")
            if len(value) < cls.MIN_KEY_LENGTH or len(set(value)) < cls.MIN_DISTINCT_CHARACTERS:
                raise RuntimeError(f"{name} must be a random value of at least {cls.MIN_KEY_LENGTH} "
                                   "characters")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The config class named by ANB_ENV (development by default)."""
    name = os.environ.get("ANB_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"ANB_ENV must be one of {sorted(CONFIGS)}, got {name!r}") from None
