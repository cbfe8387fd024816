"""What the public endpoints accept and return."""

from __future__ import annotations

from marshmallow import fields, missing, validate

from anb.public.catalogue import SORTS
from anb.schemas import BaseSchema, PageArgsSchema, poster_url, processed_url, text_field

VOTER_KINDS = ("public", "jury")
ID_FORMAT = "Debe ser un identificador válido."


class CityArgsSchema(PageArgsSchema):
    """Paging plus an optional city (case- and accent-insensitive)."""

    city = text_field(120, required=False)


class CatalogueArgsSchema(CityArgsSchema):
    """The catalogue's filters: city, player, words in the title or the player's name; and its order."""

    sort = fields.String(load_default="recent",
                         validate=validate.OneOf(SORTS, error="Debe ser 'recent' o 'votes'."))
    q = text_field(200, required=False)
    player_id = fields.String(validate=validate.Regexp(r"^[0-9]{1,18}$", error=ID_FORMAT))


class RankingArgsSchema(CityArgsSchema):
    """City filter plus whose votes count: the public's, the jury's, or (default) both."""

    voter = fields.String(validate=validate.OneOf(VOTER_KINDS, error="Debe ser 'public' o 'jury'."))


class PublicVideoSchema(BaseSchema):
    """A processed video as anyone sees it (a CatalogueItem); ``voted_by_me`` only for a signed-in reader."""

    video_id = fields.Function(lambda item: str(item.video.id))
    title = fields.String(attribute="video.title")
    username = fields.Function(lambda item: item.video.owner.username)
    city = fields.Function(lambda item: item.video.owner.city)
    processed_url = fields.Function(lambda item: processed_url(item.video))
    votes = fields.Integer(attribute="video.votes_count")
    processed_at = fields.DateTime(attribute="video.processed_at")
    player_id = fields.Function(lambda item: str(item.video.owner_id))
    poster_url = fields.Function(lambda item: poster_url(item.video))
    voted_by_me = fields.Function(lambda item: missing if item.voted_by_me is None else item.voted_by_me)


class PlayerSchema(BaseSchema):
    """A player's public page (a PlayerPage)."""

    player_id = fields.Function(lambda page: str(page.player.id))
    username = fields.String(attribute="player.username")
    city = fields.String(attribute="player.city")
    country = fields.String(attribute="player.country")
    votes = fields.Integer(attribute="player.total_votes")
    public_votes = fields.Integer(attribute="player.public_votes")
    jury_votes = fields.Integer(attribute="player.jury_votes")
    position = fields.Integer(allow_none=True)
    city_position = fields.Integer(allow_none=True)
    videos = fields.List(fields.Nested(PublicVideoSchema))


class RankingEntrySchema(BaseSchema):
    """One line of the ranking: exactly these four fields."""

    position = fields.Integer()
    username = fields.String()
    city = fields.String()
    votes = fields.Integer()


class VoteResponseSchema(BaseSchema):
    message = fields.String()
