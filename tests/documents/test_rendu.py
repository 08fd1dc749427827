"""documents.rendu's URL fetcher: WeasyPrint reads only the static files and the current establishment's media
(and data: URLs). file:// elsewhere (/etc/passwd, another establishment's media, a ../ escape) and any http(s)
address are refused, and the document still renders without the resource."""

import base64
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django_tenants.utils import tenant_context

from documents.rendu import FetchRefused, pdf_from_html, url_fetcher_factory

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
                       "AAAABJRU5ErkJggg==")


@pytest.fixture
def images(alpha, beta, media_root):
    (media_root / "alpha").mkdir()
    (media_root / "beta").mkdir()
    (media_root / "alpha" / "logo.png").write_bytes(PNG)
    (media_root / "beta" / "logo.png").write_bytes(PNG)
    return media_root


def test_it_reads_the_static_files_and_this_establishments_media(alpha, images):
    css = Path(finders.find("documents/pdf.css"))
    with tenant_context(alpha):
        fetcher = url_fetcher_factory()
        assert fetcher.fetch(css.as_uri()).read()
        assert fetcher.fetch((images / "alpha" / "logo.png").as_uri()).read() == PNG
        assert fetcher.fetch("data:text/plain;base64,b2s=") is not None
    connection.set_schema_to_public()


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "http://127.0.0.1:6379/",
    "https://example.org/logo.png",
    "ftp://example.org/logo.png",
    "//example.org/logo.png",
])
def test_it_refuses_files_outside_its_roots_and_any_network_address(alpha, images, url):
    with tenant_context(alpha), pytest.raises(FetchRefused):
        url_fetcher_factory().fetch(url)
    connection.set_schema_to_public()


def test_it_refuses_another_establishments_media_even_through_dot_dot(alpha, images):
    with tenant_context(alpha):
        fetcher = url_fetcher_factory()
        for url in [(images / "beta" / "logo.png").as_uri(), f"file://{images}/alpha/../beta/logo.png"]:
            with pytest.raises(FetchRefused):
                fetcher.fetch(url)
    connection.set_schema_to_public()


def test_a_document_with_refused_resources_still_renders_without_them(alpha, images, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("le rendu a tenté une connexion réseau")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    html = f"""<html><head><link rel="stylesheet" href="http://127.0.0.1/x.css"></head><body>
      <p>Bonjour</p>
      <img src="file:///etc/passwd" alt=""><img src="{(images / 'beta' / 'logo.png').as_uri()}" alt="">
      <img src="https://example.org/logo.png" alt=""><img src="{(images / 'alpha' / 'logo.png').as_uri()}" alt="">
      <iframe src="file:///etc/passwd"></iframe></body></html>"""
    with tenant_context(alpha):
        pdf = pdf_from_html(html)
    connection.set_schema_to_public()
    assert pdf.startswith(b"%PDF-") and b"root:" not in pdf
