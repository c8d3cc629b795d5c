"""The ``<tag:…>`` URL converter: a device URL can be built for whatever tag is stored.

Tags are validated (``validate_asset_tag``), but a row written before the rule, by SQL or by an
import bug must not take a list down with ``NoReverseMatch`` (one "/" in a tag once answered 500
on the device list for every staff member). The tag is percent-encoded into a single path
segment, so even an odd tag gets a working link to its page, where it can be corrected.
"""

from urllib.parse import quote, unquote

from django.urls import register_converter


class AssetTagConverter:
    regex = "[^/]+"

    def to_python(self, value):
        # ``reverse`` escapes the "%" of ``to_url``: the path Django decodes still holds "%2F".
        return unquote(value)

    def to_url(self, value):
        return quote(str(value), safe="")


def register():
    register_converter(AssetTagConverter, "tag")
