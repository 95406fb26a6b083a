"""JSON request bodies as the API accepts them: bounded in size, depth and numbers.

Its own module because DRF imports the parser classes named in settings while it builds APIView,
so nothing here may import rest_framework.views.
"""

import codecs
import json
import math
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# No request of this API nests deeper than a few levels (a complaint's remedies, a survey's answers);
# Python's parser itself gives up near 1,000 levels with a RecursionError, and the serializers recurse too.
JSON_MAX_DEPTH = 32


def _json_depth(data: Any) -> int:
    """How deeply arrays and objects nest, counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in node if isinstance(child, dict | list))
    return deepest


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        # 1e400 reads as infinity, which no amount or score can be.
        raise ValueError(f"number out of range: {text[:20]}")
    return value


class BoundedJSONParser(JSONParser):
    """JSON bodies within the size Django allows a request body, nesting and numbers a program sends.

    DRF reads the body from the stream, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check on
    request.body, so the size is checked here; too deep, too long, an integer of more digits than
    Python converts (4,300) or a float beyond double range answer 400 in the error shape.
    """

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise exceptions.ParseError(_("请求内容过大。"))
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
            data = json.loads(
                text,
                parse_float=_finite_float,
                parse_constant=_refuse_constant if self.strict else None,
            )
        except RecursionError:
            raise exceptions.ParseError(_("JSON 嵌套层数过多。")) from None
        except ValueError as exc:
            raise exceptions.ParseError(_("JSON 格式有误：%(error)s") % {"error": str(exc)[:200]}) from None
        if _json_depth(data) > JSON_MAX_DEPTH:
            raise exceptions.ParseError(_("JSON 嵌套层数过多。"))
        return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
