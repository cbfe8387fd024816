"""The API docs' assets (Swagger UI at /api/docs, ReDoc at /api/redoc), served by the app itself.

They come from pinned PyPI packages instead of a CDN, so the docs work offline, show the versions that were
tested, and pass through Nginx's /api/ location like the rest of the API. Only the files the docs pages load
are served, plus the source maps a browser's developer tools ask for.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from flask import Blueprint, Response, abort, send_from_directory
from swagger_ui_bundle import swagger_ui_path

#: Where the assets are served; config.Config's OPENAPI_SWAGGER_UI_URL and OPENAPI_REDOC_URL point here.
ASSETS_PREFIX = "/api/docs/assets"

#: URL segment -> the folder of a bundle and the files of it that are served.
BUNDLES: dict[str, tuple[Traversable, frozenset[str]]] = {
    "swagger-ui": (swagger_ui_path, frozenset({
        "swagger-ui.css", "swagger-ui.css.map",
        "swagger-ui-bundle.js", "swagger-ui-bundle.js.map",
        "swagger-ui-standalone-preset.js", "swagger-ui-standalone-preset.js.map",
    })),
    "redoc": (files("flask_openapi3_redoc") / "templates" / "redoc" / "js",
              frozenset({"redoc.standalone.js"})),
}

blp = Blueprint("docs_assets", __name__, url_prefix=ASSETS_PREFIX)


@blp.get("/<bundle>/<filename>")
def asset(bundle: str, filename: str) -> Response:
    """One file of a bundle, with an ETag so browsers revalidate instead of downloading it again."""
    folder, served = BUNDLES.get(bundle, (None, frozenset()))
    if filename not in served:
        abort(404)
    return send_from_directory(str(folder), filename)
