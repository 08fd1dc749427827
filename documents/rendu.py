"""HTML templates to PDF with WeasyPrint, fetching nothing but the project's static files and the current
establishment's media: no network, no file:// outside those roots (a template or a learner's text could
otherwise make the renderer read /etc/passwd or call an internal service)."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.template.loader import render_to_string


class FetchRefused(ValueError):
    """WeasyPrint skips a resource whose fetch raises ValueError: the document renders without it."""


def allowed_roots() -> list[Path]:
    """The static folders (apps' and the project's, and the collected ones) and this establishment's media."""
    roots = [Path(settings.STATIC_ROOT)]
    for finder in finders.get_finders():  # STATICFILES_DIRS and each app's static/
        roots += [Path(storage.location) for storage in getattr(finder, "storages", {}).values()]
    schema = getattr(connection, "schema_name", None)
    if schema and schema != "public":
        roots.append(Path(settings.MEDIA_ROOT) / schema)
    return [r.resolve() for r in roots]


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def url_fetcher_factory():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = allowed_roots()

    class CproFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise FetchRefused(f"Adresse refusée dans un document : {url[:80]}")
            path = Path(url.removeprefix("file://").split("?", 1)[0].split("#", 1)[0]).resolve()
            if not _inside(path, roots) or not path.is_file():
                raise FetchRefused(f"Fichier refusé dans un document : {path}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})

    return CproFetcher(allowed_protocols={"file", "data"})


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=Path(settings.BASE_DIR).as_uri() + "/",
                url_fetcher=url_fetcher_factory()).write_pdf()


def pdf_from_template(template_name: str, context: dict) -> bytes:
    """Render a template of templates/documents/ (extending documents/base.html) to PDF bytes."""
    return pdf_from_html(render_to_string(template_name, context))
