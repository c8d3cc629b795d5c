"""Sections other apps add to the device page, without inventory importing them.

An app registers a panel from its ``AppConfig.ready()``::

    register_panel("labels", "labels/_device_panel.html", label_panel_context, order=20)

``get_context(device, user)`` returns a dict for the template, or None to hide the panel. It
must cost a constant number of queries (the device page's query count is tested).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    get_context: Callable
    order: int = 100


_panels: dict[str, Panel] = {}


def register_panel(name, template, get_context, order=100):
    _panels[name] = Panel(name, template, get_context, order)


def panels_for(device, user):
    """[(template, context)] of the panels that apply to this device and user, in order."""
    rendered = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.name)):
        context = panel.get_context(device, user)
        if context is not None:
            rendered.append({"template": panel.template, "context": context})
    return rendered
