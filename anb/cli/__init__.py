"""Admin commands under ``flask``: one AppGroup per area."""

from anb.cli.users import users_cli

COMMAND_GROUPS = (users_cli,)
