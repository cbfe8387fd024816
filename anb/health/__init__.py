"""Liveness of the API and of what it depends on."""
