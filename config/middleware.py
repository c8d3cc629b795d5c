from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

OPEN_PREFIXES = ("/api/", "/static/", "/healthz")


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a login except the login page, health and the public forms.

    The API is left to DRF, which answers 401/403 instead of redirecting to a login form.
    Public views opt out with ``django.contrib.auth.decorators.login_not_required``.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class LanguageMiddleware(LocaleMiddleware):
    """French unless the person chose another language with the footer's selector.

    The browser's Accept-Language is deliberately ignored: the authority's interface is French
    by default, and an English browser on a municipal computer should not change that.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code


NUL_MARKERS = ("\x00", "%00")


class RejectNulBytesMiddleware:
    """A NUL byte in a path, a query string or a text body answers 400 before any view runs.

    PostgreSQL refuses NUL in text (and ``\\u0000`` in jsonb): left to the views, one stray
    ``%00`` in a filter answered 500. Forms and serializers refuse NUL in their own fields, but
    filters, lookups and JSON details do not, so the gate is here, once, for every entry point.
    Multipart uploads are not read here (files may hold any byte; their text fields are checked
    by the forms).
    """

    TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded", "text/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return self._refuse(request)
        return self.get_response(request)

    def _has_nul(self, request):
        if "\x00" in request.path or "\x00" in request.path_info:
            return True
        query = request.META.get("QUERY_STRING", "").lower()
        if any(marker in query for marker in NUL_MARKERS):
            return True
        if request.method in ("POST", "PUT", "PATCH") and request.content_type.startswith(self.TEXT_BODIES):
            body = request.body  # bounded by DATA_UPLOAD_MAX_MEMORY_SIZE
            return b"\x00" in body or b"%00" in body or b"\\u0000" in body.lower()
        return False

    @staticmethod
    def _refuse(request):
        from django.http import HttpResponseBadRequest, JsonResponse

        message = translation.gettext("The request contains a NUL character.")
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "nul_character"}, status=400)
        return HttpResponseBadRequest(
            f'<!doctype html><html lang="fr"><title>400</title><p role="alert">{message}</p></html>'
        )


class NoStoreApiMiddleware:
    """API answers are never stored by a browser or a proxy (``Cache-Control: no-store``):
    they carry personal and internal data, and a token's answers must not outlive it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/api/"):
            response["Cache-Control"] = "no-store, private"
        return response
