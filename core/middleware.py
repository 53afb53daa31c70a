from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def chosen_language(request: HttpRequest) -> str:
    """The language picked before signing in (cookie), if it is one the portal offers."""
    value = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return value if value in dict(settings.LANGUAGES) else ""


class UserLanguageMiddleware:
    """Simplified Chinese for everybody unless the signed-in user chose another language.

    The browser's Accept-Language is deliberately ignored: the portal's working language
    is Chinese, and English is a per-user choice (stored on the user). Before signing in,
    the choice made on the log-in page (the language cookie) applies.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user and user.is_authenticated:
            chosen = getattr(user, "language", "")
        else:
            chosen = chosen_language(request)
        language = chosen or settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class UserAccessMiddleware:
    """The signed-in user's roles, divisions and permissions in one statement, before the
    view asks them one query at a time (core.access)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .access import user_access_load

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_access_load(user)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Pages for a signed-in user carry customers' personal data (names, addresses,
    revealed ID and phone numbers): no shared cache and no browser disk cache may keep
    them (`Cache-Control: no-store, private`). Responses that set their own policy keep it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        return response


class ControlCharactersMiddleware:
    """Addresses and query strings with control characters (a NUL from a scanner or a
    hostile script) never reach a view or the database: 404 for a path, 400 naming the
    parameter for a query string; JSON under /api/, a page elsewhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .text import CONTROL_MESSAGE, has_control_characters

        bad_parameters = [
            name
            for name, values in request.GET.lists()
            if has_control_characters(name) or any(has_control_characters(v) for v in values)
        ]
        if has_control_characters(request.path):
            return _refusal(request, 404, "path", str(CONTROL_MESSAGE))
        if bad_parameters:
            return _refusal(request, 400, bad_parameters[0], str(CONTROL_MESSAGE))
        return self.get_response(request)


def _refusal(request: HttpRequest, status: int, field: str, message: str) -> HttpResponse:
    from django.http import JsonResponse
    from django.shortcuts import render

    safe_field = "".join(c if c.isprintable() else "?" for c in field)[:100]
    if request.path.startswith("/api/"):
        error = {"field": safe_field, "rule": "control_characters", "message": message}
        return JsonResponse({"detail": message, "errors": [error]}, status=status)
    template = "404.html" if status == 404 else "400.html"
    return render(request, template, {"message": message}, status=status)
