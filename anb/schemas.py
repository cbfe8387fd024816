"""What every resource's schemas share: Spanish validation messages, strict unknown-field handling, paging."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from anb.models import Video
from anb.storage import get_storage

REQUIRED = "Este campo es obligatorio."
NOT_NULL = "Este campo no puede ser nulo."
NOT_STRING = "Debe ser un texto."
NOT_INTEGER = "Debe ser un número entero."
BLANK = "Este campo no puede estar vacío."
TOO_LONG = "Debe tener como máximo {max} caracteres."
#: Far beyond any real listing, and small enough that (page - 1) * page_size stays a valid SQL OFFSET.
MAX_PAGE = 1_000_000
PAGE_RANGE = f"Debe estar entre 1 y {MAX_PAGE}."


class BaseSchema(Schema):
    """Ignores fields a client may send but the API does not use, so old clients keep working."""

    error_messages = {"type": "Se esperaba un objeto JSON."}

    class Meta:
        unknown = EXCLUDE


def text_field(max_length: int, *, required: bool = True, **kwargs) -> fields.String:
    """A trimmed, non-blank string of at most ``max_length`` characters, with Spanish errors."""
    return TrimmedString(
        required=required,
        validate=validate.Length(min=1, max=max_length, error=TOO_LONG),
        error_messages={"required": REQUIRED, "null": NOT_NULL, "invalid": NOT_STRING},
        **kwargs,
    )


class TrimmedString(fields.String):
    """A string with surrounding white space removed; blank counts as missing content."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            raise self.make_error("blank")
        return text

    default_error_messages = {"blank": BLANK}


class EmailField(fields.Email):
    """An email address, trimmed and lower-cased: emails are compared case-insensitively."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip().lower()


class PageArgsSchema(BaseSchema):
    """`page` ≥ 1 (default 1) and `page_size` 1–100 (default 20), the contract's paging everywhere."""

    page = fields.Integer(load_default=1, error_messages={"invalid": NOT_INTEGER},
                          validate=validate.Range(min=1, max=MAX_PAGE, error=PAGE_RANGE))
    page_size = fields.Integer(load_default=20,
                               validate=validate.Range(min=1, max=100, error="Debe estar entre 1 y 100."),
                               error_messages={"invalid": NOT_INTEGER})

    @staticmethod
    def offset(args: dict) -> int:
        """The index of the first row on the requested page."""
        return (args["page"] - 1) * args["page_size"]


def processed_url(video: Video) -> str | None:
    """The public URL of the processed file, None until there is one."""
    return get_storage().url(video.processed_key) if video.processed_key else None


def poster_url(video: Video) -> str | None:
    """The public URL of the poster frame, None until there is one."""
    return get_storage().url(video.poster_key) if video.poster_key else None
