from django.db.models import Count, Func

from .models import User
from .roles import ESTABLISHMENT_ROLES


def people_list() -> list[User]:
    return list(User.objects.filter(is_active=True).order_by("last_name", "first_name", "email"))


def people_count_by_role() -> list[dict]:
    """One row per role with the number of active people holding it, in a single query."""
    rows = (
        User.objects.filter(is_active=True)
        .annotate(role=Func("roles", function="unnest"))
        .values("role")
        .annotate(n=Count("id"))
    )
    counts = {row["role"]: row["n"] for row in rows}
    return [{"role": r.value, "label": r.label, "count": counts.get(r.value, 0)} for r in ESTABLISHMENT_ROLES]
