"""Every model, importable from one place."""

from anb.models.audit import AdminAction
from anb.models.base import Base, now_utc
from anb.models.user import Role, User
from anb.models.video import StageRun, Video, VideoStatus
from anb.models.vote import Vote

__all__ = ["AdminAction", "Base", "Role", "StageRun", "User", "Video", "VideoStatus", "Vote", "now_utc"]
