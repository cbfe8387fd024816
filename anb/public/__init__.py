"""The public side: the catalogue of processed videos, votes and the live ranking."""
