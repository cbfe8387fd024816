"""What the public endpoints accept and return."""

from __future__ import annotations

from marshmallow import fields, validate

from anb.schemas import BaseSchema, PageArgsSchema, processed_url, text_field

VOTER_KINDS = ("public", "jury")


class CatalogueArgsSchema(PageArgsSchema):
    """Paging plus an optional city (case- and accent-insensitive)."""

    city = text_field(120, required=False)


class RankingArgsSchema(CatalogueArgsSchema):
    """Catalogue filters plus whose votes count: the public's, the jury's, or (default) both."""

    voter = fields.String(validate=validate.OneOf(VOTER_KINDS, error="Debe ser 'public' o 'jury'."))


class PublicVideoSchema(BaseSchema):
    """A processed video as anyone sees it."""

    video_id = fields.Function(lambda row: str(row.id))
    title = fields.String()
    username = fields.Function(lambda row: row.owner.username)
    city = fields.Function(lambda row: row.owner.city)
    processed_url = fields.Function(processed_url)
    votes = fields.Integer(attribute="votes_count")
    processed_at = fields.DateTime()


class RankingEntrySchema(BaseSchema):
    """One line of the ranking: exactly these four fields."""

    position = fields.Integer()
    username = fields.String()
    city = fields.String()
    votes = fields.Integer()


class VoteResponseSchema(BaseSchema):
    message = fields.String()
