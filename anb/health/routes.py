"""GET /api/health: 200 when MariaDB, RabbitMQ and Redis answer, 503 naming the part that does not."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import fields

from anb.api import Blueprint
from anb.health.service import broker_ok, database_ok, redis_ok
from anb.schemas import BaseSchema

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Estado del servicio")


class HealthSchema(BaseSchema):
    status = fields.String(metadata={"example": "ok"})
    database = fields.String(metadata={"example": "ok"})
    broker = fields.String(metadata={"example": "ok"})
    cache = fields.String(metadata={"example": "ok"})


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, description="MariaDB, RabbitMQ o Redis no responde")
    def get(self):
        """Estado de la API, la base de datos, el broker y Redis."""
        parts = {"database": database_ok(), "broker": broker_ok(), "cache": redis_ok()}
        states = {name: "ok" if up else "unavailable" for name, up in parts.items()}
        if not all(parts.values()):
            failing = ", ".join(name for name, up in parts.items() if not up)
            abort(503, message=f"Servicio no disponible: {failing}.", details=states)
        return {"status": "ok", **states}
