"""A JSON parser that refuses deep nesting before decoding it.

``json.loads`` recurses once per level: 200 KB of ``[[[[…`` once ended in RecursionError, a 500.
No request of this API nests more than a few levels, so anything past ``MAX_DEPTH`` is a 400.
The scan is one pass over the bytes, outside strings, with no recursion.
"""

import io

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20


def json_depth(raw: bytes, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of a JSON text, stopping early once it passes ``limit``."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        if json_depth(raw) > MAX_DEPTH:
            raise ParseError(_("JSON nested deeper than %(max)d levels.") % {"max": MAX_DEPTH})
        return super().parse(io.BytesIO(raw), media_type, parser_context)
