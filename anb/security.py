"""Password hashing (argon2id) and the JWT loaders that turn every token problem into the contract's 401."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from anb.errors import error_body
from anb.extensions import db, jwt
from anb.models import User

#: The password policy, checked by the signup schema and the admin CLI alike; the maximum bounds hashing work.
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
#: Compared against when the email is unknown, so a miss costs the same time as a wrong password.
_DUMMY_PASSWORD = "not-a-real-password"


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_COST_KIB"],
                          parallelism=config["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    """A salted argon2id hash of ``password``."""
    return _hasher().hash(password)


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than the configured ones (upgrade it at login)."""
    return _hasher().check_needs_rehash(password_hash)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; an unknown user (None) still pays for one hash."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or hasher.hash(_DUMMY_PASSWORD), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def _unauthorized(_reason: str = "", *_args):
    return error_body(401), 401


@jwt.user_identity_loader
def _identity(user: User) -> str:
    return str(user.id)


def account_is_active(user: User | None) -> bool:
    """Whether ``user`` exists and is not banned: a ban refuses the account's tokens at once."""
    return user is not None and user.banned_at is None


@jwt.user_lookup_loader
def _load_user(_header: dict, payload: dict) -> User | None:
    subject = payload.get("sub", "")
    user = db.session.get(User, int(subject)) if subject.isdigit() else None
    return user if account_is_active(user) else None


jwt.unauthorized_loader(_unauthorized)
jwt.invalid_token_loader(_unauthorized)
jwt.expired_token_loader(_unauthorized)
jwt.revoked_token_loader(_unauthorized)
jwt.needs_fresh_token_loader(_unauthorized)
jwt.user_lookup_error_loader(_unauthorized)
