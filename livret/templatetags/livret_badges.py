"""`{{ niveau|badge }}`: the grid's badge (evaluations/echelle_badge.html), rendered once per level instance.

A livret holds thousands of cells but a handful of levels, shared by the cells: including the template per cell
was half the page's time."""

from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.filter
def badge(niveau) -> str:
    if niveau is None:
        return ""
    html = getattr(niveau, "_livret_badge", None)
    if html is None:
        html = render_to_string("evaluations/echelle_badge.html", {"niveau": niveau})
        niveau._livret_badge = html
    return html
