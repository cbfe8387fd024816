"""Accounts: signup, login and the signed-in user's profile."""
