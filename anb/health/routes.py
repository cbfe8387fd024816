"""GET /api/health (readiness): 200 when MariaDB, RabbitMQ and Redis answer, 503 naming the part that does
not, from a result a couple of seconds old at most; GET /api/health/live (liveness): 200 while the app
answers at all, touching no other service."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields

from anb.api import Blueprint
from anb.health.service import readiness
from anb.schemas import BaseSchema

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Estado del servicio")


class HealthSchema(BaseSchema):
    status = fields.String(metadata={"example": "ok"})
    database = fields.String(metadata={"example": "ok"})
    broker = fields.String(metadata={"example": "ok"})
    cache = fields.String(metadata={"example": "ok"})


class LivenessSchema(BaseSchema):
    status = fields.String(metadata={"example": "ok"})


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, description="MariaDB, RabbitMQ o Redis no responde")
    def get(self):
        """Disponibilidad (readiness): la API, la base de datos, el broker y Redis.

        El resultado se reutiliza durante `HEALTH_CACHE_SECONDS` (2 s por defecto) en cada proceso."""
        parts = readiness(current_app._get_current_object())
        states = {name: "ok" if up else "unavailable" for name, up in parts.items()}
        if not all(parts.values()):
            failing = ", ".join(name for name, up in parts.items() if not up)
            abort(503, message=f"Servicio no disponible: {failing}.", details=states)
        return {"status": "ok", **states}


@blp.route("/live")
class Liveness(MethodView):
    @blp.response(200, LivenessSchema)
    def get(self):
        """Vida (liveness) para balanceadores: responde mientras la API responda, sin tocar nada más."""
        return {"status": "ok"}
