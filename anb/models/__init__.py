"""Every model, importable from one place."""

from anb.models.audit import AdminAction
from anb.models.base import Base, now_utc
from anb.models.user import Role, User
from anb.models.video import Video, VideoStatus
from anb.models.video_event import VideoEvent
from anb.models.vote import Vote

__all__ = ["AdminAction", "Base", "Role", "User", "Video", "VideoEvent", "VideoStatus", "Vote", "now_utc"]
