"""Account rules: unique emails whatever their case, hashed passwords, token issuing."""

from __future__ import annotations

from flask import current_app
from flask_jwt_extended import create_access_token
from sqlalchemy.exc import IntegrityError

from anb.extensions import db
from anb.models import Role, User
from anb.security import hash_password, needs_rehash, verify_password


class EmailTaken(Exception):
    """Someone already signed up with this email (in any letter case)."""


class AccountBanned(Exception):
    """The credentials are right but an admin banned the account."""


def normalize_email(email: str) -> str:
    """The one spelling of an email that is stored and compared."""
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    """The user with this email, whatever its letter case."""
    return db.session.execute(db.select(User).filter_by(email=normalize_email(email))).scalar_one_or_none()


def register(email: str, password: str, *, first_name: str, last_name: str, city: str, country: str,
             role: Role = Role.PLAYER) -> User:
    """Create an account in one commit, or raise EmailTaken; the unique index settles concurrent signups."""
    email = normalize_email(email)
    if find_by_email(email) is not None:
        raise EmailTaken(email)
    user = User(email=email, password_hash=hash_password(password), first_name=first_name,
                last_name=last_name, city=city, country=country, role=role)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise EmailTaken(email) from exc
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials belong to, or None (in the same time either way); AccountBanned if banned.

    Only the right password learns about the ban, so a guesser cannot tell banned accounts apart.
    """
    user = find_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user.banned_at is not None:
        raise AccountBanned(user.id)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def issue_token(user: User) -> dict:
    """The contract's login response for ``user``."""
    expires = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    return {"access_token": create_access_token(identity=user), "token_type": "Bearer",
            "expires_in": int(expires.total_seconds())}


def update_profile(user: User, changes: dict) -> User:
    """Apply the allowed profile changes and save them."""
    for field, value in changes.items():
        setattr(user, field, value)
    db.session.commit()
    return user
