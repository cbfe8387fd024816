"""Admin commands under ``flask``: one AppGroup per area."""

from anb.cli.catalogue import catalogue_cli
from anb.cli.jury import jury_cli
from anb.cli.media import media_cli
from anb.cli.ranking import ranking_cli
from anb.cli.seed import seed_cli
from anb.cli.users import users_cli
from anb.cli.videos import videos_cli
from anb.cli.votes import votes_cli

COMMAND_GROUPS = (users_cli, jury_cli, videos_cli, votes_cli, ranking_cli, media_cli, catalogue_cli,
                  seed_cli)
