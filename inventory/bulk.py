"""Bulk actions other apps add to the device list, without inventory importing them.

Each one hands the ticked devices to a page of that app (a GET with ``?tags=A,B,C``): the page
only pre-fills its own form, which keeps its confirmation and validation. An app registers its
action from its ``AppConfig.ready()``::

    register_bulk_link("offer", _("Offer them to associations"), "reuse:offer-create", "reuse.add_offer")

Only people holding ``permission`` see the action on the list, and the bulk view refuses it
(403) to the others.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class BulkLink:
    key: str
    label: str
    url_name: str
    permission: str
    order: int = 100


_links: dict[str, BulkLink] = {}


def register_bulk_link(key, label, url_name, permission, order=100):
    _links[key] = BulkLink(key, label, url_name, permission, order)


def bulk_link(key):
    """The registered action ``key``, or None."""
    return _links.get(key)


def all_bulk_links():
    return sorted(_links.values(), key=lambda link: (link.order, link.key))


def bulk_links_for(user):
    """The registered actions this person may use, in order."""
    return [link for link in all_bulk_links() if user.has_perm(link.permission)]
