"""What the Locust scenarios share: account creation and contract-checking of responses."""

from __future__ import annotations

import uuid

from locust import FastHttpUser

PASSWORD = "load-test-pass-1"
CITIES = ("Bogotá", "Medellín", "Cali", "Barranquilla", "Cartagena")


def new_account(client, city: str = "Bogotá") -> str:
    """Sign up a fresh player through the API and return its email."""
    email = f"load-{uuid.uuid4().hex[:16]}@example.com"
    body = {"first_name": "Carga", "last_name": "Prueba", "email": email, "password1": PASSWORD,
            "password2": PASSWORD, "city": city, "country": "Colombia"}
    with client.post("/api/auth/signup", json=body, name="/api/auth/signup", catch_response=True) as response:
        if response.status_code != 201:
            response.failure(f"signup answered {response.status_code}")
    return email


def log_in(client, email: str) -> str | None:
    """Log in through the API; the access token, or None (and a recorded failure)."""
    with client.post("/api/auth/login", json={"email": email, "password": PASSWORD}, name="/api/auth/login",
                     catch_response=True) as response:
        if response.status_code != 200 or response.json().get("token_type") != "Bearer":
            response.failure(f"login answered {response.status_code}")
            return None
        return response.json()["access_token"]


class ApiUser(FastHttpUser):
    """A client of the API behind Nginx; subclasses add the tasks."""

    abstract = True
    host = "http://127.0.0.1:8080"
