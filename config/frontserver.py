"""Render Nginx's configuration and its JSON error pages from the app's own sources (scripts/render-nginx,
used by scripts/up, and the front-server test fixture), so no message, status text or header is ever
written twice: the pages are anb.errors.error_body, the headers anb.security.SECURITY_HEADERS, the Allow
header of Nginx's own 405s the app's URL map.

    python -m config.frontserver --var VAR --media-root MEDIA [--listen 127.0.0.1:8080]
        [--upstream 127.0.0.1:8000 [--upstream 10.77.0.12:8000 ...]] [--upload-upstream 127.0.0.1:8001 ...]
                                               writes VAR/nginx/nginx.conf and VAR/nginx/errors/*.json

Several --upstream make Nginx a load balancer over API hosts (scripts/cluster): a host that cannot be
reached is skipped for UPSTREAM_FAIL_TIMEOUT, and idempotent requests are retried on the next one.
POST /api/videos/upload goes to the --upload-upstream servers (gunicorn's upload pool,
config/gunicorn.conf.py), so uploads never hold the threads reads need; without any, uploads share the
--upstream servers.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from anb.errors import error_body, upload_too_large_message
from anb.security import SECURITY_HEADERS
from config import ROOT, Config, DevelopmentConfig

TEMPLATE = ROOT / "config" / "nginx" / "nginx.conf.template"
#: Every status Nginx may answer by itself (the template maps each to its page; 494 is answered as 431).
ERROR_CODES = (400, 403, 404, 405, 408, 413, 414, 416, 429, 431, 500, 501, 502, 503, 504, 505)
#: The upload location's 413 (over the upload limit) is the contract's 400.
UPLOAD_TOO_LARGE_PAGE = "upload-too-large.json"
#: An API host that failed UPSTREAM_MAX_FAILS times in a row is not tried for UPSTREAM_FAIL_TIMEOUT; a
#: connection to one that does not answer is given up after UPSTREAM_CONNECT_TIMEOUT (hosts on one network).
UPSTREAM_MAX_FAILS = 1
UPSTREAM_FAIL_TIMEOUT = "5s"
UPSTREAM_CONNECT_TIMEOUT = "2s"
#: What Nginx's file locations answer (anything else there is Nginx's own 405).
FILE_METHODS = ("GET", "HEAD")


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


@cache
def api_methods() -> tuple[tuple[str, str], ...]:
    """(path regex, Allow value) of every API route, from the app's own URL map: fixed paths first, so
    /api/videos/upload is matched before /api/videos/<id>. A variable part never spans a slash; a trailing
    slash matches too (the app's routing is not strict about it)."""
    from anb import create_app

    rules = sorted((rule for rule in create_app(DevelopmentConfig).url_map.iter_rules()
                    if rule.rule.startswith("/api/")), key=lambda rule: ("<" in rule.rule, rule.rule))
    return tuple((_path_regex(rule.rule), ", ".join(sorted(rule.methods or ()))) for rule in rules)


def allow_map_lines() -> str:
    """The lines of the map from a request target to the methods its path allows."""
    lines = ['default "";', *(f'"~{regex}" "{methods}";' for regex, methods in api_methods())]
    return "\n".join([*lines, f'"~^/media/processed/" "{", ".join(FILE_METHODS)}";'])


def _path_regex(rule: str) -> str:
    """A regex for the request targets (query string included) of the URL rule ``rule``."""
    parts = re.split(r"<[^>]+>", rule)
    return "^" + "[^/?]+".join(re.escape(part) for part in parts) + r"/?(\?|$)"


def security_header_lines() -> str:
    """``add_header`` lines for SECURITY_HEADERS, sent with Nginx's own answers too (``always``)."""
    return "\n".join(f"add_header {name} \"{value}\" always;" for name, value in SECURITY_HEADERS.items())


def upstream_lines(upstreams: Sequence[str]) -> str:
    """One ``server`` line per API host, each with the same failure rule."""
    if not upstreams:
        raise ValueError("Nginx needs at least one upstream")
    return "\n".join(f"server {address} max_fails={UPSTREAM_MAX_FAILS} fail_timeout={UPSTREAM_FAIL_TIMEOUT};"
                     for address in upstreams)


def render(var: Path, media_root: Path, listen: str = "127.0.0.1:8080",
           upstreams: Sequence[str] = ("127.0.0.1:8000",), upload_upstreams: Sequence[str] = (),
           max_upload_bytes: int = Config.MAX_UPLOAD_BYTES, max_body_bytes: int = Config.MAX_CONTENT_LENGTH,
           envelope_bytes: int = Config.UPLOAD_ENVELOPE_BYTES, worker_user: str = "www-data") -> Path:
    """Write VAR/nginx/nginx.conf and VAR/nginx/errors/; return the configuration's path.

    ``upload_upstreams`` answer the upload location (default: the same servers as everything else);
    ``worker_user`` runs Nginx's workers (a test's private folders are readable by root only)."""
    nginx = var / "nginx"
    errors = nginx / "errors"
    errors.mkdir(parents=True, exist_ok=True)
    for name, body in error_pages(max_upload_bytes).items():
        (errors / name).write_text(json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")
    values = {
        "@USER@": worker_user, "@VAR@": str(var), "@ROOT@": str(ROOT), "@MEDIA_ROOT@": str(media_root),
        "@LISTEN@": listen,
        "@UPSTREAM_SERVERS@": upstream_lines(upstreams),
        "@UPLOAD_UPSTREAM_SERVERS@": upstream_lines(upload_upstreams or upstreams),
        "@CONNECT_TIMEOUT@": UPSTREAM_CONNECT_TIMEOUT,
        "@ERRORS@": str(errors), "@SECURITY_HEADERS@": security_header_lines(),
        "@ALLOW_MAP@": allow_map_lines(),
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
    parser.add_argument("--upstream", action="append", dest="upstreams",
                        help="gunicorn's address (repeat for several API hosts; default 127.0.0.1:8000).")
    parser.add_argument("--upload-upstream", action="append", dest="upload_upstreams", default=[],
                        help="The upload pool's address, for POST /api/videos/upload (repeatable; default: "
                             "the --upstream servers).")
    args = parser.parse_args()
    print(render(args.var, args.media_root, args.listen, args.upstreams or ["127.0.0.1:8000"],
                 args.upload_upstreams))


if __name__ == "__main__":
    main()
