"""/api/auth: signup, login and the signed-in user's profile."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import abort

from anb.api import Blueprint
from anb.auth import service
from anb.auth.schemas import (
    LoginSchema,
    ProfileSchema,
    ProfileUpdateSchema,
    SignupResponseSchema,
    SignupSchema,
    TokenSchema,
)
from anb.extensions import limiter

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Cuentas de usuario")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_attempt_key() -> str:
    """Attempts are counted per client address and account, so one attacker cannot lock out a whole city."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return f"{request.remote_addr}|{service.normalize_email(email) if isinstance(email, str) else ''}"


@blp.route("/signup")
class Signup(MethodView):
    @blp.arguments(SignupSchema)
    @blp.response(201, SignupResponseSchema)
    @blp.alt_response(400, description="Datos inválidos o correo ya registrado")
    def post(self, data: dict):
        """Registrar un jugador."""
        try:
            user = service.register(data["email"], data["password1"], first_name=data["first_name"],
                                    last_name=data["last_name"], city=data["city"], country=data["country"])
        except service.EmailTaken as taken:
            abort(400, message=f"El correo {taken} ya está registrado.",
                  errors={"email": ["Este correo ya está registrado."]})
        return {"message": "Usuario creado exitosamente.", "user": user}


@blp.route("/login")
class Login(MethodView):
    decorators = [limiter.limit(_login_limit, key_func=_login_attempt_key, methods=["POST"])]

    @blp.arguments(LoginSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="Credenciales inválidas")
    @blp.alt_response(429, description="Demasiados intentos")
    def post(self, credentials: dict):
        """Iniciar sesión y obtener un token JWT."""
        user = service.authenticate(credentials["email"], credentials["password"])
        if user is None:
            abort(401, message="Credenciales inválidas.")
        return service.issue_token(user)


@blp.route("/me")
class Me(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, ProfileSchema)
    @blp.alt_response(401, description="Falta de autenticación")
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self):
        """Perfil del usuario autenticado."""
        return current_user

    @blp.arguments(ProfileUpdateSchema, required=False)
    @blp.response(200, ProfileSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def patch(self, changes: dict):
        """Actualizar nombre, apellido, ciudad o país."""
        return service.update_profile(current_user, changes)
