from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired

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
