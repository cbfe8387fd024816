"""Account security: the canonical email, password hashing (argon2id), token revocation, and the JWT loaders
that turn every token problem into the contract's 401."""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from anb.errors import error_body
from anb.extensions import db, jwt
from anb.models import User

#: The password policy, checked by the signup schema and the admin CLI alike; the maximum bounds hashing work.
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
#: The longest address SMTP can carry (RFC 5321), and the width of the email column.
MAX_EMAIL_LENGTH = 254
CONTROL_CHARACTERS = "No puede contener caracteres de control."
#: Sent with every answer of the app (and, from the same dict, by Nginx for its own): no MIME sniffing, no
#: framing (clickjacking), no URLs leaked to other sites.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
#: The JWT claim holding the account's token generation at issue time (see revoke_tokens).
TOKEN_VERSION_CLAIM = "tv"
#: Compared against when the email is unknown, so a miss costs the same time as a wrong password.
_DUMMY_PASSWORD = "not-a-real-password"


def has_control_characters(text: str, categories: frozenset[str] = frozenset({"Cc"})) -> bool:
    """Whether ``text`` holds a character of one of these Unicode categories (Cc: NUL, newlines, escapes)."""
    return any(unicodedata.category(char) in categories for char in text)


def canonical_email(email: str) -> str:
    """The one spelling of an address that is stored, compared and rate-limited: Unicode NFKC, case folded.

    Invisible format (Cf) and control (Cc) characters are refused with ValueError rather than dropped, so
    two spellings that look alike can never reach one account or one limiter bucket by different paths.
    """
    email = email.strip()
    if has_control_characters(email, frozenset({"Cc", "Cf"})):
        raise ValueError(CONTROL_CHARACTERS)
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email).casefold())


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


def revoke_tokens(user: User) -> None:
    """Make every token issued to ``user`` so far invalid (the caller commits): a password change, a ban.

    Tokens carry the account's token generation (TOKEN_VERSION_CLAIM) and this moves the account to the
    next one. A counter, not a time: ``iat`` has whole seconds, so a time cut-off would either accept a
    token issued in the same second just before the change or refuse one issued just after it; a
    generation does neither. The increment is done by the database, so concurrent revocations all count.
    """
    user.token_version = User.token_version + 1


def token_is_current(user: User, claims: dict) -> bool:
    """Whether a token with these claims was issued after the account's last revocation (tokens from
    before the claim existed count as generation 0)."""
    return claims.get(TOKEN_VERSION_CLAIM, 0) == user.token_version


@jwt.user_identity_loader
def _identity(user: User) -> str:
    return str(user.id)


@jwt.additional_claims_loader
def _token_generation(user: User) -> dict:
    return {TOKEN_VERSION_CLAIM: user.token_version}


def account_is_active(user: User | None) -> bool:
    """Whether ``user`` exists and is not banned: a ban refuses the account's tokens at once."""
    return user is not None and user.banned_at is None


@jwt.user_lookup_loader
def _load_user(_header: dict, payload: dict) -> User | None:
    """The token's account, or None (a 401) when it is gone or the token was revoked."""
    subject = payload.get("sub", "")
    user = db.session.get(User, int(subject)) if subject.isdigit() else None
    return user if account_is_active(user) and token_is_current(user, payload) else None


jwt.unauthorized_loader(_unauthorized)
jwt.invalid_token_loader(_unauthorized)
jwt.expired_token_loader(_unauthorized)
jwt.revoked_token_loader(_unauthorized)
jwt.needs_fresh_token_loader(_unauthorized)
jwt.user_lookup_error_loader(_unauthorized)
