"""/api/videos: a player's uploads and own videos."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Response, current_app, redirect, request
from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import abort
from werkzeug.exceptions import RequestEntityTooLarge

from anb.api import Blueprint
from anb.errors import upload_too_large_message
from anb.observability import requestid
from anb.schemas import PageArgsSchema
from anb.storage import get_storage
from anb.videos import service
from anb.videos.schemas import (
    DeleteResponseSchema,
    UploadResponseSchema,
    UploadSchema,
    VideoDetailSchema,
    VideoSummarySchema,
)
from anb.videos.validation import InvalidUpload

blp = Blueprint("videos", __name__, url_prefix="/api/videos", description="Videos del jugador")
SECURITY = [{"bearerAuth": []}]


def _owned_or_abort(video_id: str):
    try:
        video = service.owned_video(video_id, current_user)
    except service.NotOwner:
        abort(403, message="No tienes permiso para acceder a este video.")
    if video is None:
        abort(404, message="Video no encontrado.")
    return video


NOT_MULTIPART = "La carga debe enviarse como multipart/form-data con los campos title y video_file."
MALFORMED_MULTIPART = "El cuerpo multipart/form-data de la carga está mal formado."
FORM_FIELD_TOO_LARGE = "Un campo de texto del formulario (title) es demasiado largo, o hay demasiadas partes."


def upload_body(view: Callable) -> Callable:
    """Let this one endpoint take an upload-sized body (every other one stops at MAX_CONTENT_LENGTH) and
    read its multipart envelope first, so each way it can be wrong has its own 400, never a 413."""

    @wraps(view)
    def parsed(*args, **kwargs):
        config = current_app.config
        limit = config["MAX_UPLOAD_BYTES"] + config["UPLOAD_ENVELOPE_BYTES"]
        if (request.content_length or 0) > limit:
            abort(400, message=upload_too_large_message(config["MAX_UPLOAD_BYTES"]))
        if request.mimetype != "multipart/form-data" or not request.mimetype_params.get("boundary"):
            abort(400, message=NOT_MULTIPART)
        request.max_content_length = limit
        try:
            parts = len(request.form) + len(request.files)
        except RequestEntityTooLarge:
            abort(400, message=FORM_FIELD_TOO_LARGE if request.content_length is not None
                  else upload_too_large_message(config["MAX_UPLOAD_BYTES"]))
        if not parts:
            abort(400, message=MALFORMED_MULTIPART)
        return view(*args, **kwargs)

    return parsed


@blp.route("/upload")
class Upload(MethodView):
    decorators = [upload_body, jwt_required()]

    @blp.arguments(UploadSchema, location="multipart")
    @blp.response(201, UploadResponseSchema)
    @blp.alt_response(400, description="Archivo o título inválido")
    @blp.alt_response(503, description="El sistema de procesamiento o el almacenamiento no está disponible")
    @blp.alt_response(507, description="No hay espacio de almacenamiento")
    @blp.doc(security=SECURITY)
    def post(self, body: dict):
        """Subir un video (MP4, 20–60 s, ≥ 1080p, ≤ 100 MB); se procesa en segundo plano."""
        try:
            video = service.upload(current_user, body["title"], body["video_file"].stream,
                                   request_id=requestid.current())
        except InvalidUpload as invalid:
            abort(400, message=str(invalid))
        return {"message": "Video subido correctamente. Procesamiento en curso.",
                "task_id": video.task_id, "video_id": str(video.id)}


@blp.route("")
class Videos(MethodView):
    decorators = [jwt_required()]

    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, VideoSummarySchema(many=True))
    @blp.doc(security=SECURITY)
    def get(self, args: dict):
        """Mis videos, del más reciente al más antiguo."""
        return service.own_videos(current_user, PageArgsSchema.offset(args), args["page_size"])


@blp.route("/<id(upload):video_id>")
class VideoItem(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, VideoDetailSchema)
    @blp.alt_response(403, description="Video de otro jugador")
    @blp.alt_response(404, description="Video no encontrado")
    @blp.doc(security=SECURITY)
    def get(self, video_id: str):
        """Detalle de uno de mis videos."""
        return _owned_or_abort(video_id)

    @blp.response(200, DeleteResponseSchema)
    @blp.alt_response(400, description="Ya está habilitado para votación")
    @blp.doc(security=SECURITY)
    def delete(self, video_id: str):
        """Eliminar uno de mis videos mientras no esté publicado."""
        video = _owned_or_abort(video_id)
        try:
            service.delete(video)
        except service.NotDeletable:
            abort(400, message="El video no puede ser eliminado porque ya está habilitado para votación.")
        return {"message": "El video ha sido eliminado exitosamente.", "video_id": video_id}


@blp.route("/<id(upload):video_id>/original")
class Original(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, description="El archivo original (lo entrega Nginx, almacenamiento local)")
    @blp.alt_response(302, description="Redirección a una URL firmada de corta duración (almacenamiento S3)")
    @blp.doc(security=SECURITY)
    def get(self, video_id: str):
        """Descargar el original de uno de mis videos."""
        video = _owned_or_abort(video_id)
        download = get_storage().private_download(video.original_key)
        if not download.internal:
            return redirect(download.url, 302)
        response = Response(status=200, mimetype="video/mp4")
        response.headers["X-Accel-Redirect"] = download.url
        return response
