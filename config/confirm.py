"""Confirm, then act (issue 13): an irreversible or legally binding POST is asked once.

The view validates its form, then calls ``confirm_first``: without ``confirmed=1`` in the POST it
answers a plain HTML page that says what will happen and re-posts the same fields with
``confirmed=1`` (no JavaScript dialog, works on any phone). Files are not re-posted: the actions
that need a confirmation take none.
"""

from urllib.parse import urlsplit

from django.shortcuts import render

from .web import safe_next

CONFIRM_FIELD = "confirmed"


def confirm_first(request, *, title, consequence, button, back=""):
    """A confirmation page (status 200) unless this POST already carries ``confirmed=1``; else None."""
    if request.POST.get(CONFIRM_FIELD) == "1":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
        for value in values
    ]
    back = back or safe_next(urlsplit(request.META.get("HTTP_REFERER", "")).path)
    context = {"title": title, "consequence": consequence, "button": button, "fields": fields,
               "action": request.get_full_path(), "back": back}
    return render(request, "confirm.html", context)
