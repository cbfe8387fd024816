"""Render Nginx's configuration and its JSON error pages from the app's own sources (scripts/render-nginx,
used by scripts/up, and the front-server test fixture), so no message, status text or header is ever
written twice: the pages are anb.errors.error_body, the headers anb.security.SECURITY_HEADERS.

    python -m config.frontserver --var VAR --media-root MEDIA [--listen 127.0.0.1:8080]
        [--upstream 127.0.0.1:8000]            writes VAR/nginx/nginx.conf and VAR/nginx/errors/*.json
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from anb.errors import error_body, upload_too_large_message
from anb.security import SECURITY_HEADERS
from config import ROOT, Config

TEMPLATE = ROOT / "config" / "nginx" / "nginx.conf.template"
#: Every status Nginx may answer by itself (the template maps each to its page; 494 is answered as 431).
ERROR_CODES = (400, 403, 404, 405, 408, 413, 414, 416, 429, 431, 500, 501, 502, 503, 504, 505)
#: The upload location's 413 (over the upload limit) is the contract's 400.
UPLOAD_TOO_LARGE_PAGE = "upload-too-large.json"


def error_pages(max_upload_bytes: int = Config.MAX_UPLOAD_BYTES) -> dict[str, dict]:
    """File name -> JSON body of every page Nginx serves for its own errors."""
    pages = {f"{code}.json": error_body(code) for code in ERROR_CODES}
    pages[UPLOAD_TOO_LARGE_PAGE] = error_body(400, upload_too_large_message(max_upload_bytes))
    return pages


def error_page_lines(overrides: dict[int, str] | None = None) -> str:
    """``error_page`` lines for every code of ERROR_CODES (494, Nginx's "header too large", as 431). A
    location that sets any error_page inherits none from its server, so such a location repeats them all."""
    pages = {code: f"/_errors/{code}.json" for code in ERROR_CODES} | (overrides or {})
    lines = [f"error_page {code} {page};" for code, page in pages.items()]
    return "\n".join([*lines, "error_page 494 =431 /_errors/431.json;"])


def security_header_lines() -> str:
    """``add_header`` lines for SECURITY_HEADERS, sent with Nginx's own answers too (``always``)."""
    return "\n".join(f"add_header {name} \"{value}\" always;" for name, value in SECURITY_HEADERS.items())


def render(var: Path, media_root: Path, listen: str = "127.0.0.1:8080", upstream: str = "127.0.0.1:8000",
           max_upload_bytes: int = Config.MAX_UPLOAD_BYTES, max_body_bytes: int = Config.MAX_CONTENT_LENGTH,
           envelope_bytes: int = Config.UPLOAD_ENVELOPE_BYTES, worker_user: str = "www-data") -> Path:
    """Write VAR/nginx/nginx.conf and VAR/nginx/errors/; return the configuration's path.

    ``worker_user`` runs Nginx's workers (a test's private folders are readable by root only)."""
    nginx = var / "nginx"
    errors = nginx / "errors"
    errors.mkdir(parents=True, exist_ok=True)
    for name, body in error_pages(max_upload_bytes).items():
        (errors / name).write_text(json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")
    values = {
        "@USER@": worker_user, "@VAR@": str(var), "@ROOT@": str(ROOT), "@MEDIA_ROOT@": str(media_root),
        "@LISTEN@": listen,
        "@UPSTREAM@": upstream, "@ERRORS@": str(errors), "@SECURITY_HEADERS@": security_header_lines(),
        "@ERROR_PAGES@": error_page_lines(),
        "@UPLOAD_ERROR_PAGES@": error_page_lines({413: f"=400 /_errors/{UPLOAD_TOO_LARGE_PAGE}"}),
        "@MAX_BODY@": str(max_body_bytes), "@MAX_UPLOAD_BODY@": str(max_upload_bytes + envelope_bytes),
    }
    text = _fill(TEMPLATE.read_text(), values)
    target = nginx / "nginx.conf"
    target.write_text(text)
    return target


def _fill(template: str, values: dict[str, str]) -> str:
    """Replace each placeholder; one alone on its line gets every line of its value indented alike."""

    def block(match: re.Match) -> str:
        indent, placeholder = match.groups()
        return "\n".join(indent + line for line in values[placeholder].splitlines())

    names = "|".join(re.escape(placeholder) for placeholder in values)
    text = re.sub(rf"^([ \t]*)({names})[ \t]*$", block, template, flags=re.MULTILINE)
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def main() -> None:
    """Command line for scripts/render-nginx."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", type=Path, required=True, help="The var/ folder (logs, pid, temp files).")
    parser.add_argument("--media-root", type=Path, required=True, help="Where the media files live.")
    parser.add_argument("--listen", default="127.0.0.1:8080", help="Address Nginx listens on.")
    parser.add_argument("--upstream", default="127.0.0.1:8000", help="gunicorn's address.")
    args = parser.parse_args()
    print(render(args.var, args.media_root, args.listen, args.upstream))


if __name__ == "__main__":
    main()
