"""Account rules: one canonical spelling per email, one account per mailbox, no throwaway mail, hashed
passwords, token issuing and revocation."""

from __future__ import annotations

from flask import current_app
from flask_jwt_extended import create_access_token
from sqlalchemy.exc import IntegrityError

from anb.auth.mailbox import is_disposable, load_domains, mailbox_key
from anb.extensions import db
from anb.models import Role, User
from anb.search import reindex_player_name
from anb.security import canonical_email, hash_password, needs_rehash, revoke_tokens, verify_password


class EmailTaken(Exception):
    """Someone already signed up with this email (in any spelling with the same canonical form)."""


class DisposableEmail(Exception):
    """The email's domain is a throwaway-mail service (config's list)."""


class AccountBanned(Exception):
    """The credentials are right but an admin banned the account."""


def find_by_email(email: str) -> User | None:
    """The user with this email's canonical form; None also for a spelling that has none (invisible or
    control characters)."""
    try:
        email = canonical_email(email)
    except ValueError:
        return None
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()


def register(email: str, password: str, *, first_name: str, last_name: str, city: str, country: str,
             role: Role = Role.PLAYER) -> User:
    """Create an account in one commit, or raise EmailTaken (also for another spelling of a registered
    mailbox, e.g. a dotted or +tagged Gmail address), DisposableEmail, or ValueError for an email with
    invisible or control characters; the unique indexes settle concurrent signups."""
    email = canonical_email(email)
    config = current_app.config
    if is_disposable(email, load_domains(config["DISPOSABLE_DOMAINS_FILE"])):
        raise DisposableEmail(email)
    mailbox = mailbox_key(email, config["MAILBOX_RULES"])
    if find_by_email(email) is not None or _mailbox_taken(mailbox):
        raise EmailTaken(email)
    user = User(email=email, password_hash=hash_password(password), first_name=first_name,
                last_name=last_name, city=city, country=country, role=role, mailbox_key=mailbox)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise EmailTaken(email) from exc
    return user


def _mailbox_taken(mailbox: str) -> bool:
    return db.session.execute(db.select(User.id).filter_by(mailbox_key=mailbox)).first() is not None


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


def change_password(user: User, password: str) -> None:
    """Set a new password and revoke every token issued before it, in one commit."""
    user.password_hash = hash_password(password)
    revoke_tokens(user)
    db.session.commit()


def update_profile(user: User, changes: dict) -> User:
    """Apply the allowed profile changes and save them; a new name goes into the catalogue's search index
    in the same commit."""
    renamed = any(field in changes and changes[field] != getattr(user, field)
                  for field in ("first_name", "last_name"))
    if renamed:
        # The rename's transaction starts with its UPDATE, so it sees every publication committed before.
        db.session.commit()
    for field, value in changes.items():
        setattr(user, field, value)
    if renamed:
        db.session.flush()
        reindex_player_name(user)
    db.session.commit()
    return user
