"""Options and lookups the admin commands share: who runs an audited command and why, and finding accounts."""

from __future__ import annotations

import getpass
import os
import re
from datetime import timedelta

import click

from anb.auth import service
from anb.models import User


def default_actor() -> str:
    """The operating-system user running the command (what the audit trail records unless --by says)."""
    try:
        return getpass.getuser()
    except OSError:
        return os.environ.get("USER") or f"uid:{os.getuid()}"


#: --reason, required by every audited command.
reason_option = click.option("--reason", required=True, help="Why (kept in the audit trail).")
#: --by, the admin's name in the audit trail.
by_option = click.option("--by", "actor", default=default_actor, show_default="the OS user",
                         help="Who runs this, for the audit trail.")


def account(email: str) -> User:
    """The account with ``email`` (any letter case), or a ClickException."""
    user = service.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with email {email}.")
    return user


class Duration(click.ParamType):
    """A span such as 90s, 30m, 24h or 7d."""

    name = "duration"
    UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}

    def convert(self, value, param, ctx) -> timedelta:
        """Parse ``value`` into a timedelta, or fail the command with a usage error."""
        if isinstance(value, timedelta):
            return value
        match = re.fullmatch(r"\s*(\d{1,6})\s*([smhd])\s*", str(value))
        if match is None:
            self.fail(f"{value!r} is not a duration like 90s, 30m, 24h or 7d.", param, ctx)
        return timedelta(**{self.UNITS[match[2]]: int(match[1])})
