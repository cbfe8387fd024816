"""Every model, importable from one place."""

from anb.models.audit import AdminAction
from anb.models.base import Base, now_utc
from anb.models.deletion import PendingDeletion
from anb.models.ranking import GLOBAL_SCOPE, RankingSnapshot
from anb.models.search_term import SearchTerm, TermField
from anb.models.user import Role, User
from anb.models.video import Video, VideoStatus
from anb.models.video_event import VideoEvent
from anb.models.vote import Vote

__all__ = ["GLOBAL_SCOPE", "AdminAction", "Base", "PendingDeletion", "RankingSnapshot", "Role",
           "SearchTerm", "TermField", "User", "Video", "VideoEvent", "VideoStatus", "Vote", "now_utc"]
