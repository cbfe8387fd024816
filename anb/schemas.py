"""What every resource's schemas share: Spanish validation messages, strict unknown-field handling, paging."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from anb.models import Video
from anb.security import CONTROL_CHARACTERS, MAX_EMAIL_LENGTH, canonical_email, has_control_characters
from anb.storage import get_storage

REQUIRED = "Este campo es obligatorio."
NOT_NULL = "Este campo no puede ser nulo."
NOT_STRING = "Debe ser un texto."
NOT_INTEGER = "Debe ser un número entero."
BLANK = "Este campo no puede estar vacío."
TOO_LONG = "Debe tener como máximo {max} caracteres."
INVALID_EMAIL = "Correo electrónico inválido."
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


def password_field(max_length: int) -> fields.String:
    """A password taken as typed (no trimming), bounded before it ever reaches the slow hash."""
    return fields.String(required=True, validate=validate.Length(max=max_length, error=TOO_LONG),
                         error_messages={"required": REQUIRED, "null": NOT_NULL, "invalid": NOT_STRING})


class TrimmedString(fields.String):
    """A single-line string with surrounding white space removed; blank counts as missing content, and
    control characters (NUL, line breaks, terminal escapes) are refused."""

    default_error_messages = {"blank": BLANK, "control": CONTROL_CHARACTERS}

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            raise self.make_error("blank")
        if has_control_characters(text):
            raise self.make_error("control")
        return text


class EmailField(fields.Email):
    """An email address in its canonical form (see canonical_email), at most as long as its column."""

    default_error_messages = {"required": REQUIRED, "null": NOT_NULL, "invalid": INVALID_EMAIL,
                              "control": CONTROL_CHARACTERS, "too_long": TOO_LONG}

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            email = canonical_email(value)
        except ValueError:
            raise self.make_error("control") from None
        if len(email) > MAX_EMAIL_LENGTH:
            raise self.make_error("too_long", max=MAX_EMAIL_LENGTH)
        return super()._deserialize(email, attr, data, **kwargs)


class StrictInteger(fields.Integer):
    """A positive whole number written only with ASCII digits: int() would also take " 1", "1_000" or
    fullwidth digits, which the contract calls invalid."""

    def _deserialize(self, value, attr, data, **kwargs) -> int:
        if isinstance(value, str) and not (value.isascii() and value.isdigit()):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class PageArgsSchema(BaseSchema):
    """`page` ≥ 1 (default 1) and `page_size` 1–100 (default 20), the contract's paging everywhere."""

    page = StrictInteger(load_default=1, error_messages={"invalid": NOT_INTEGER},
                         validate=validate.Range(min=1, max=MAX_PAGE, error=PAGE_RANGE))
    page_size = StrictInteger(load_default=20,
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
