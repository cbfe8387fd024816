"""/api/auth: signup, login and the signed-in user's profile."""

from __future__ import annotations

from flask import Response, current_app, g, request
from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required
from flask_limiter.util import get_remote_address
from flask_smorest import abort

from anb.api import Blueprint
from anb.auth import service
from anb.auth.schemas import (
    LoginSchema,
    MeSchema,
    ProfileSchema,
    ProfileUpdateSchema,
    SignupResponseSchema,
    SignupSchema,
    TokenSchema,
)
from anb.extensions import limiter
from anb.security import MAX_EMAIL_LENGTH, canonical_email

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Cuentas de usuario")
BANNED = "Tu cuenta ha sido suspendida por un administrador."
DISPOSABLE = "No se aceptan correos de servicios temporales o desechables."


def _signup_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _signup_reached_the_rules(_response: Response) -> bool:
    """A sign-up counts against the address's limit once its body was valid: an account made, an email
    already taken (so guessing who is registered is limited too), a throwaway domain. A malformed form,
    which costs nothing and reveals nothing, does not use up a phone's allowance."""
    return g.get("signup_checked", False)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def _login_account_key() -> str:
    """Guesses against one account share one bucket, however its email is spelled: the bucket is the account
    the canonical email resolves to (the canonical email itself while no account has it)."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    try:
        email = canonical_email(email) if isinstance(email, str) and len(email) <= MAX_EMAIL_LENGTH else None
    except ValueError:
        email = None
    if email is None:  # refused by validation anyway; such requests share one bucket
        return "account:invalid"
    user = service.find_by_email(email)
    return f"account:{user.id}" if user is not None else f"email:{email}"


def _login_address_key() -> str:
    """Guesses from one client address, whatever emails they name (many accounts tried from one place)."""
    return f"address:{request.remote_addr}"


@blp.route("/signup")
class Signup(MethodView):
    decorators = [limiter.limit(_signup_limit, key_func=get_remote_address, methods=["POST"],
                                deduct_when=_signup_reached_the_rules)]

    @blp.arguments(SignupSchema)
    @blp.response(201, SignupResponseSchema)
    @blp.alt_response(400, description="Datos inválidos o correo ya registrado")
    @blp.alt_response(429, description="Demasiados registros desde esta dirección")
    def post(self, data: dict):
        """Registrar un jugador."""
        g.signup_checked = True
        try:
            user = service.register(data["email"], data["password1"], first_name=data["first_name"],
                                    last_name=data["last_name"], city=data["city"], country=data["country"])
        except service.EmailTaken as taken:
            abort(400, message=f"El correo {taken} ya está registrado.",
                  errors={"email": ["Este correo ya está registrado."]})
        except service.DisposableEmail:
            abort(400, message=DISPOSABLE, errors={"email": [DISPOSABLE]})
        return {"message": "Usuario creado exitosamente.", "user": user}


@blp.route("/login")
class Login(MethodView):
    decorators = [limiter.limit(_login_limit, key_func=_login_account_key, methods=["POST"]),
                  limiter.limit(_login_address_limit, key_func=_login_address_key, methods=["POST"])]

    @blp.arguments(LoginSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="Credenciales inválidas")
    @blp.alt_response(403, description=BANNED)
    @blp.alt_response(429, description="Demasiados intentos")
    def post(self, credentials: dict):
        """Iniciar sesión y obtener un token JWT."""
        try:
            user = service.authenticate(credentials["email"], credentials["password"])
        except service.AccountBanned:
            abort(403, message=BANNED)
        if user is None:
            abort(401, message="Credenciales inválidas.")
        return service.issue_token(user)


@blp.route("/me")
class Me(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, MeSchema)
    @blp.alt_response(401, description="Falta de autenticación")
    @blp.doc(security=[{"bearerAuth": []}])
    def get(self):
        """Perfil del usuario autenticado, con sus votos y su posición en el ranking global y de su ciudad."""
        return current_user

    @blp.arguments(ProfileUpdateSchema, required=False)
    @blp.response(200, ProfileSchema)
    @blp.doc(security=[{"bearerAuth": []}])
    def patch(self, changes: dict):
        """Actualizar nombre, apellido, ciudad o país."""
        return service.update_profile(current_user, changes)
