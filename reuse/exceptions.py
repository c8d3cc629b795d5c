"""Refusals of the reuse workflows. Each carries ``http_status`` so that the API's exception
handler (``config.api``) answers with that status and ``{"detail": message, "code": code}``;
HTML views show ``message``. Messages are for people, French by default (gettext)."""


class ReuseRefused(Exception):
    """The rules do not allow this now (400 unless a subclass says otherwise)."""

    http_status = 400
    code = "refused"

    def __init__(self, message, *, code=None, http_status=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if http_status:
            self.http_status = http_status


class ClaimConflict(ReuseRefused):
    """Somebody else holds the devices (or the claim changed meanwhile): 409."""

    http_status = 409
    code = "conflict"


class NotAllowed(ReuseRefused):
    """The association may not do this (suspended, not yet approved): 403."""

    http_status = 403
    code = "not_allowed"
