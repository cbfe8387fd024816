"""/api/public: the catalogue of processed videos, voting, and the ranking."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_jwt_extended import current_user, get_jwt_identity, jwt_required
from flask_limiter.util import get_remote_address
from flask_smorest import abort

from anb.api import Blueprint
from anb.extensions import limiter
from anb.lookups import VideoNotFound, published_video
from anb.public import votes
from anb.public.catalogue import catalogue
from anb.public.ranking import ranking
from anb.public.schemas import (
    CatalogueArgsSchema,
    PublicVideoSchema,
    RankingArgsSchema,
    RankingEntrySchema,
    VoteResponseSchema,
)
from anb.schemas import PageArgsSchema

blp = Blueprint("public", __name__, url_prefix="/api/public", description="Catálogo, votos y ranking")
NOT_FOUND = "Video no encontrado."


def _vote_limit() -> str:
    return current_app.config["VOTE_RATE_LIMIT"]


def _vote_address_limit() -> str:
    return current_app.config["VOTE_ADDRESS_RATE_LIMIT"]


def _voter_key() -> str:
    """Votes are rate-limited per account (the token is checked before this runs)."""
    return f"voter:{get_jwt_identity()}"


@blp.route("/videos")
class Catalogue(MethodView):
    @blp.arguments(CatalogueArgsSchema, location="query")
    @blp.response(200, PublicVideoSchema(many=True))
    @blp.alt_response(400, description="Parámetro inválido en la consulta")
    def get(self, args: dict):
        """Videos publicados para votación, del más reciente al más antiguo."""
        return catalogue(PageArgsSchema.offset(args), args["page_size"], args.get("city"))


@blp.route("/videos/<video_id>")
class PublicVideo(MethodView):
    @blp.response(200, PublicVideoSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, video_id: str):
        """Un video publicado."""
        try:
            return published_video(video_id)
        except VideoNotFound:
            abort(404, message=NOT_FOUND)


@blp.route("/videos/<video_id>/vote")
class VideoVote(MethodView):
    decorators = [limiter.limit(_vote_limit, key_func=_voter_key),
                  limiter.limit(_vote_address_limit, key_func=get_remote_address), jwt_required()]

    @blp.response(200, VoteResponseSchema)
    @blp.alt_response(400, description="Ya votó por este video, o es su propio video")
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(429, description="Demasiados votos seguidos")
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, video_id: str):
        """Votar por un video publicado (un voto por persona y video)."""
        origin = votes.VoteOrigin(request.remote_addr, request.user_agent.string)
        try:
            votes.vote(video_id, current_user, origin)
        except VideoNotFound:
            abort(404, message=NOT_FOUND)
        except votes.OwnVideo:
            abort(400, message="No puedes votar por tu propio video.")
        except votes.AlreadyVoted:
            abort(400, message="Ya has votado por este video.")
        return {"message": "Voto registrado exitosamente."}


@blp.route("/rankings")
class Rankings(MethodView):
    @blp.arguments(RankingArgsSchema, location="query")
    @blp.response(200, RankingEntrySchema(many=True))
    @blp.alt_response(400, description="Parámetro inválido en la consulta")
    def get(self, args: dict):
        """Ranking de jugadores por votos (público, jurado o ambos), con filtro por ciudad."""
        return ranking(PageArgsSchema.offset(args), args["page_size"],
                               args.get("city"), args.get("voter"))
