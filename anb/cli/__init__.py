"""Admin commands under ``flask``: one AppGroup per area."""

from anb.cli.ranking import ranking_cli
from anb.cli.seed import seed_cli
from anb.cli.users import users_cli
from anb.cli.videos import videos_cli

COMMAND_GROUPS = (users_cli, videos_cli, seed_cli, ranking_cli)
