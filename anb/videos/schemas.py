"""What the video endpoints accept and return."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import fields

from anb.schemas import REQUIRED, BaseSchema, processed_url, text_field


class UploadSchema(BaseSchema):
    """An upload's multipart body: its title and its file (one schema, so both are documented)."""

    title = text_field(200)
    video_file = Upload(required=True, error_messages={"required": REQUIRED})


class UploadResponseSchema(BaseSchema):
    message = fields.String()
    task_id = fields.String()
    video_id = fields.String()


class VideoSummarySchema(BaseSchema):
    """A row of the player's own list."""

    video_id = fields.Function(lambda video: str(video.id))
    title = fields.String()
    status = fields.Function(lambda video: video.status.value)
    uploaded_at = fields.DateTime()
    processed_at = fields.DateTime(allow_none=True)
    processed_url = fields.Function(processed_url, allow_none=True)
    #: Why it failed, or why an admin took it down (status `removed`).
    error = fields.String(allow_none=True)


class VideoDetailSchema(VideoSummarySchema):
    """One of the player's videos, with where it is in the pipeline."""

    original_url = fields.Function(lambda video: f"/api/videos/{video.id}/original")
    votes = fields.Integer(attribute="votes_count")
    processing_stage = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)


class DeleteResponseSchema(BaseSchema):
    message = fields.String()
    video_id = fields.String()
