"""/api/public: the catalogue of processed videos, player pages, voting, and the ranking."""

from __future__ import annotations

from flask import Response, current_app, request
from flask.views import MethodView
from flask_jwt_extended import current_user, get_jwt_identity, jwt_required
from flask_limiter.util import get_remote_address
from flask_smorest import abort

from anb.api import Blueprint
from anb.cache import prepared_json, prepared_key, url_alias
from anb.errors import QUERY_MESSAGE
from anb.extensions import limiter
from anb.lookups import VideoNotFound, parse_id, published_video
from anb.public import votes
from anb.public.catalogue import catalogue, with_votes_of
from anb.public.players import PlayerNotFound, player_page
from anb.public.ranking import ranking
from anb.public.schemas import (
    CatalogueArgsSchema,
    PlayerSchema,
    PublicVideoSchema,
    RankingArgsSchema,
    RankingEntrySchema,
    VoteResponseSchema,
)
from anb.public.searching import NoSearchableWords
from anb.public.windows import configured_windows, voting_over
from anb.schemas import PageArgsSchema

blp = Blueprint("public", __name__, url_prefix="/api/public", description="Catálogo, votos y ranking")
NOT_FOUND = "Video no encontrado."
VOTING_CLOSED = "La votación no está abierta."


def _vote_limit() -> str:
    return current_app.config["VOTE_RATE_LIMIT"]


def _vote_address_limit() -> str:
    return current_app.config["VOTE_ADDRESS_RATE_LIMIT"]


def _voter_key() -> str:
    """Votes are rate-limited per account (the token is checked before this runs)."""
    return f"voter:{get_jwt_identity()}"


def _viewer_id() -> int | None:
    """The signed-in reader of an optionally authenticated endpoint, if any."""
    return current_user.id if current_user else None


def _prepared(kind: str, selection: tuple, build, headers: dict | None = None) -> Response:
    """A public read answered from its prepared JSON body (the same bytes the schema would give), rebuilt
    at most once per CACHE_DEFAULT_TIMEOUT seconds (RANKING_CACHE_SECONDS). Its URL is pointed at the body,
    so that the next anonymous GET of it is answered before Flask (anb.middleware.PreparedReads)."""
    alias = (url_alias(request.environ), headers or {}) if "Authorization" not in request.headers else None
    body = prepared_json(prepared_key(kind, *selection), build, current_app.config["CACHE_DEFAULT_TIMEOUT"],
                         alias)
    return Response(body, 200, headers, mimetype="application/json")


@blp.route("/videos")
class Catalogue(MethodView):
    decorators = [jwt_required(optional=True)]

    @blp.arguments(CatalogueArgsSchema, location="query")
    @blp.response(200, PublicVideoSchema(many=True))
    @blp.alt_response(400, description="Parámetro inválido en la consulta")
    def get(self, args: dict):
        """Videos publicados para votación: recientes o por votos, por ciudad, jugador o palabras.

        La primera página anónima (por ciudad y orden, sin búsqueda) puede tener hasta un segundo."""
        viewer_id = _viewer_id()
        if viewer_id is None and args["page"] == 1 and not {"q", "player_id"} & args.keys():
            selection = (args["page_size"], args.get("city"), args["sort"])
            return _prepared("catalogue", selection, lambda: PublicVideoSchema(many=True).dump(
                catalogue(0, args["page_size"], args.get("city"), sort=args["sort"])))
        try:
            return catalogue(PageArgsSchema.offset(args), args["page_size"], args.get("city"),
                             sort=args["sort"], text=args.get("q"), viewer_id=viewer_id,
                             player_id=parse_id(args["player_id"]) if "player_id" in args else None)
        except NoSearchableWords:
            abort(400, message=QUERY_MESSAGE,
                  errors={"q": ["Escribe al menos una palabra de 3 letras o más."]})


@blp.route("/videos/<video_id>")
class PublicVideo(MethodView):
    decorators = [jwt_required(optional=True)]

    @blp.response(200, PublicVideoSchema)
    @blp.alt_response(404, description=NOT_FOUND)
    def get(self, video_id: str):
        """Un video publicado."""
        try:
            video = published_video(video_id)
        except VideoNotFound:
            abort(404, message=NOT_FOUND)
        return with_votes_of([video], _viewer_id())[0]


@blp.route("/videos/<video_id>/vote")
class VideoVote(MethodView):
    decorators = [limiter.limit(_vote_limit, key_func=_voter_key),
                  limiter.limit(_vote_address_limit, key_func=get_remote_address), jwt_required()]

    @blp.response(200, VoteResponseSchema)
    @blp.alt_response(400, description="Ya votó, es su propio video, o la votación no está abierta")
    @blp.alt_response(404, description=NOT_FOUND)
    @blp.alt_response(429, description="Demasiados votos seguidos")
    @blp.doc(security=[{"bearerAuth": []}])
    def post(self, video_id: str):
        """Votar por un video publicado (un voto por persona y video), mientras la votación esté abierta."""
        origin = votes.VoteOrigin(request.remote_addr, request.user_agent.string)
        try:
            votes.vote(video_id, current_user, origin)
        except VideoNotFound:
            abort(404, message=NOT_FOUND)
        except votes.VotingClosed:
            abort(400, message=VOTING_CLOSED)
        except votes.OwnVideo:
            abort(400, message="No puedes votar por tu propio video.")
        except votes.AlreadyVoted:
            abort(400, message="Ya has votado por este video.")
        return {"message": "Voto registrado exitosamente."}

    @blp.response(200, VoteResponseSchema)
    @blp.alt_response(400, description=VOTING_CLOSED)
    @blp.alt_response(404, description="No hay voto suyo por este video, o no existe el video")
    @blp.doc(security=[{"bearerAuth": []}])
    def delete(self, video_id: str):
        """Retirar el voto propio por un video, mientras la votación esté abierta."""
        try:
            votes.withdraw(video_id, current_user)
        except VideoNotFound:
            abort(404, message=NOT_FOUND)
        except votes.VotingClosed:
            abort(400, message=VOTING_CLOSED)
        except votes.NoVote:
            abort(404, message="No has votado por este video.")
        return {"message": "Voto retirado exitosamente."}


@blp.route("/players/<player_id>")
class Player(MethodView):
    decorators = [jwt_required(optional=True)]

    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, PlayerSchema)
    @blp.alt_response(404, description="Jugador no encontrado.")
    def get(self, args: dict, player_id: str):
        """Un jugador: votos, posición global y en su ciudad, y sus videos publicados (paginados)."""
        try:
            return player_page(player_id, PageArgsSchema.offset(args), args["page_size"], _viewer_id())
        except PlayerNotFound:
            abort(404, message="Jugador no encontrado.")


@blp.route("/rankings")
class Rankings(MethodView):
    @blp.arguments(RankingArgsSchema, location="query")
    @blp.response(200, RankingEntrySchema(many=True))
    @blp.alt_response(400, description="Parámetro inválido en la consulta")
    def get(self, args: dict):
        """Ranking de jugadores por votos (público, jurado o ambos), con filtro por ciudad.

        Tras la última ventana de votación es el ranking final (cabecera `X-Ranking-Final: true`)."""
        selection = (PageArgsSchema.offset(args), args["page_size"], args.get("city"), args.get("voter"))
        headers = {"X-Ranking-Final": "true"} if voting_over(configured_windows()) else {}
        return _prepared("ranking", selection,
                         lambda: RankingEntrySchema(many=True).dump(ranking(*selection)), headers)
