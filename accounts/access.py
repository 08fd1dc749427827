"""Access helpers used by every view: who may see what."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def role_required(*roles):
    """Anonymous people go to the login page; a person without one of `roles` gets a 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(user.has_role(role) for role in roles):
                raise PermissionDenied("Cette page est réservée à un autre rôle.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
