"""Every model, importable from one place."""

from anb.models.base import Base, now_utc
from anb.models.deletion import PendingDeletion
from anb.models.user import Role, User
from anb.models.video import Video, VideoStatus
from anb.models.vote import Vote

__all__ = ["Base", "PendingDeletion", "Role", "User", "Video", "VideoStatus", "Vote", "now_utc"]
