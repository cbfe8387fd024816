"""Sign-up hygiene: which mailbox an email really reaches, and whether its domain is a throwaway one.

Both rules come from config: ``MAILBOX_RULES`` (per domain, whether it ignores dots in the local part, which
character starts a +tag, and which domain it is an alias of) and ``DISPOSABLE_DOMAINS_FILE`` (one domain a
line). Applied to an email that is already lower-cased.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


def split_email(email: str) -> tuple[str, str]:
    """The local part and the domain of ``email`` (the domain is what follows the last "@")."""
    local, _, domain = email.rpartition("@")
    return local, domain


def mailbox_key(email: str, rules: dict[str, dict]) -> str:
    """The mailbox ``email`` delivers to: "J.Doe+promo@googlemail.com" and "jdoe@gmail.com" give one key."""
    local, domain = split_email(email)
    rule = rules.get(domain)
    if rule is None:
        return email
    tag = rule.get("tag")
    if tag and tag in local:
        local = local.split(tag, 1)[0]
    if rule.get("ignores_dots"):
        local = local.replace(".", "")
    return f"{local}@{rule.get('alias_of') or domain}"


@lru_cache(maxsize=4)
def load_domains(path: str) -> frozenset[str]:
    """The domains listed in ``path``: one a line, blank lines and "#" comments skipped (read once)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_disposable(email: str, domains: frozenset[str]) -> bool:
    """Whether ``email``'s domain, or a domain it is under, is a throwaway-mail service."""
    labels = split_email(email)[1].split(".")
    return any(".".join(labels[start:]) in domains for start in range(len(labels) - 1))
