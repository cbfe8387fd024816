"""What the account endpoints accept and return."""

from __future__ import annotations

from marshmallow import ValidationError, fields, post_dump, validates_schema

from anb.public.ranking import positions
from anb.schemas import BaseSchema, EmailField, password_field, text_field
from anb.security import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class SignupSchema(BaseSchema):
    """A new account; the two passwords must match and be at least 8 characters long."""

    first_name = text_field(100)
    last_name = text_field(100)
    email = EmailField(required=True)
    # minLength documents the rule passwords_agree checks (with its own message, on password1).
    password1 = text_field(MAX_PASSWORD_LENGTH, metadata={"minLength": MIN_PASSWORD_LENGTH})
    password2 = text_field(MAX_PASSWORD_LENGTH, metadata={"minLength": MIN_PASSWORD_LENGTH})
    city = text_field(120)
    country = text_field(120)

    @validates_schema(skip_on_field_errors=True)
    def passwords_agree(self, data: dict, **_kwargs) -> None:
        """Reject a short password or two that differ, naming the field at fault."""
        if len(data["password1"]) < MIN_PASSWORD_LENGTH:
            raise ValidationError(f"La contraseña debe tener al menos {MIN_PASSWORD_LENGTH} caracteres.",
                                  "password1")
        if data["password1"] != data["password2"]:
            raise ValidationError("Las contraseñas no coinciden.", "password2")


class LoginSchema(BaseSchema):
    """Credentials; any wrong pair is the same 401 so an attacker learns nothing. The password is bounded
    here, so a 20 MB one is refused before it is ever hashed."""

    email = EmailField(required=True)
    password = password_field(MAX_PASSWORD_LENGTH)


class ProfileUpdateSchema(BaseSchema):
    """The profile fields a user may change about themselves."""

    first_name = text_field(100, required=False)
    last_name = text_field(100, required=False)
    city = text_field(120, required=False)
    country = text_field(120, required=False)


class ProfileSchema(BaseSchema):
    """A user's public profile: never a password or its hash."""

    user_id = fields.Function(lambda user: str(user.id))
    first_name = fields.String()
    last_name = fields.String()
    username = fields.String()
    email = fields.String()
    city = fields.String()
    country = fields.String()
    role = fields.Function(lambda user: user.role.value)
    created_at = fields.DateTime()


class MeSchema(ProfileSchema):
    """The signed-in player's own profile with their standing: vote totals and ranking places."""

    votes = fields.Integer(attribute="total_votes")
    public_votes = fields.Integer()
    jury_votes = fields.Integer()

    @post_dump(pass_original=True)
    def add_positions(self, data: dict, user, **_kwargs) -> dict:
        """Where the player stands now (None while they have no published video)."""
        data["position"], data["city_position"] = positions(user)
        return data


class SignupResponseSchema(BaseSchema):
    message = fields.String()
    user = fields.Nested(ProfileSchema)


class TokenSchema(BaseSchema):
    access_token = fields.String()
    token_type = fields.String(metadata={"example": "Bearer"})
    expires_in = fields.Integer(metadata={"example": 3600})
