"""Swagger UI (/api/docs) and ReDoc (/api/redoc) load every asset from the app, so they work offline."""

from __future__ import annotations

from html.parser import HTMLParser

from flask.testing import FlaskClient

ASSET_TYPES = {"text/javascript", "application/javascript", "text/css"}


class AssetLinks(HTMLParser):
    """Collects the URLs a page loads: script sources and stylesheet links."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.urls.append(values["src"])
        if tag == "link" and values.get("rel") == "stylesheet" and values.get("href"):
            self.urls.append(values["href"])


def page_assets(client: FlaskClient, path: str) -> tuple[str, list[str]]:
    """The page's HTML and the URLs of the assets it loads."""
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    parser = AssetLinks()
    parser.feed(html)
    return html, parser.urls


def assert_served(client: FlaskClient, url: str, min_bytes: int) -> bytes:
    """The asset answers 200 with a script or stylesheet type and a real body."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype in ASSET_TYPES, (url, response.mimetype)
    assert len(response.data) > min_bytes, url
    return response.data


def test_swagger_ui_loads_only_assets_served_by_the_app(client):
    html, urls = page_assets(client, "/api/docs")

    assert "http://" not in html and "https://" not in html
    assert sorted(url.rsplit("/", 1)[-1] for url in urls) == [
        "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"]
    for url in urls:
        assert url.startswith("/api/")  # Nginx proxies only /api/ to the app
        assert_served(client, url, min_bytes=100_000)


def test_swagger_ui_does_not_call_the_online_validator(client):
    html, _ = page_assets(client, "/api/docs")

    assert '"validatorUrl": null' in html


def test_redoc_loads_its_script_from_the_app(client):
    html, urls = page_assets(client, "/api/redoc")

    assert "http://" not in html and "https://" not in html
    assert 'spec-url="/api/openapi.json"' in html
    assert len(urls) == 1 and urls[0].startswith("/api/")
    assert b"Redoc" in assert_served(client, urls[0], min_bytes=500_000)
    assert client.get("/api/openapi.json").status_code == 200


def test_only_the_files_the_docs_load_are_served(client):
    assert client.get("/api/docs/assets/swagger-ui/swagger-ui-bundle.js").status_code == 200

    prefix = "/api/docs/assets"
    for url in (f"{prefix}/swagger-ui/index.html", f"{prefix}/redoc/redoc.svg",
                f"{prefix}/swagger-ui/..%2F__init__.py", f"{prefix}/nothing/redoc.standalone.js"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.get_json()["message"] == "Recurso no encontrado."
