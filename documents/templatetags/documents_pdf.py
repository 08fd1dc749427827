"""Template tags for the PDF templates: files as file:// URLs inside the roots the fetcher allows."""

from pathlib import Path

from django import template
from django.contrib.staticfiles import finders

register = template.Library()


@register.simple_tag
def pdf_static(path: str) -> str:
    """A static file (`documents/pdf.css`) as the file:// URL WeasyPrint reads; "" when it does not exist."""
    found = finders.find(path)
    return Path(found).resolve().as_uri() if found else ""


@register.simple_tag
def pdf_media(fieldfile) -> str:
    """An uploaded file of this establishment (a logo, a stamp) as a file:// URL; "" when there is none."""
    if not fieldfile:
        return ""
    try:
        return Path(fieldfile.path).resolve().as_uri()
    except (NotImplementedError, ValueError):
        return ""
