"""Every model, importable from one place."""

from anb.models.base import Base, now_utc
from anb.models.ranking import GLOBAL_SCOPE, RankingSnapshot
from anb.models.user import Role, User
from anb.models.video import Video, VideoStatus
from anb.models.vote import Vote

__all__ = ["GLOBAL_SCOPE", "Base", "RankingSnapshot", "Role", "User", "Video", "VideoStatus", "Vote",
           "now_utc"]
