"""A player's own videos: upload, list, detail, delete, and the protected original."""
