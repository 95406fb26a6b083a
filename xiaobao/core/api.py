"""What the whole API shares: one error shape, and the documentation page.

Every error answers {"detail": "<one sentence>", "errors": {"<field>": ["<message>", …]}} in the
caller's language (LocaleMiddleware picks it from Accept-Language). Services raise Django's
ValidationError and PermissionDenied; here they become 400 and 403. Not-yours is raised as Http404
by the access layer and answers exactly like not-found, with no message that could tell them apart.
"""

from collections.abc import Iterable
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_ratelimit.exceptions import Ratelimited
from drf_spectacular.generators import SchemaGenerator
from rest_framework import exceptions, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from xiaobao.core.forms import DATE_BOUNDS

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


# ---------------------------------------------------------------------------------------------
# Errors


class CaseDateField(serializers.DateField):
    """A date between 1900 and 2099: beyond them a 400 naming the parameter, not an overflow deeper down."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validators", list(DATE_BOUNDS))
        super().__init__(**kwargs)


class ErrorSerializer(serializers.Serializer):
    # Every error: one sentence for people, and the messages per field for programs.
    detail = serializers.CharField(help_text=_("给人看的一句话说明"))
    # Named for the error shape it documents; DRF's Serializer.errors is a property of instances, not this.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("字段名 → 错误信息；与具体字段无关的错误在 non_field_errors 下"),
    )


def _flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer and list errors become dotted keys ("remedies_open.0"), so every value is a
    list of sentences and clients need only one way to read them."""
    here = prefix or api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(errors, dict):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(errors, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in errors):
            return {here: [str(item) for item in errors]}
        flat = {}
        for index, item in enumerate(errors):
            if item:
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {here: [str(errors)]}


def _from_django(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {
                api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
                for field, messages in exc.message_dict.items()
            }
        )
    return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages})


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Ratelimited):
        # django-ratelimit's exception is a PermissionDenied; a caller over the limit should wait, not give up.
        exc = exceptions.Throttled(detail=_("请求过于频繁，请稍后再试。"))
    elif isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, Http404):
        # Drop any message the 404 carried: it could tell "not yours" from "does not exist".
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        response.data = {"detail": str(data["detail"]), "errors": {}}
        return response
    errors = _flatten(data)
    general = errors.get(api_settings.NON_FIELD_ERRORS_KEY)
    detail = general[0] if general else str(exceptions.ValidationError.default_detail)
    response.data = {"detail": detail, "errors": errors}
    return response


# ---------------------------------------------------------------------------------------------
# Fields every app's serializers share


class CodeField(serializers.SlugRelatedField):
    """A reference-data code (USCC, category, label, region or authority code).

    An unknown code is reported with DRF's own "not a valid choice" message, which ships in
    Chinese and English, so the caller reads it in the language it asked for.
    """

    default_error_messages = {
        "invalid_choice": serializers.ChoiceField.default_error_messages["invalid_choice"],
        "invalid": serializers.CharField.default_error_messages["invalid"],
    }

    def __init__(self, *, upper: bool = False, **kwargs: Any) -> None:
        self.upper = upper
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        code = data.strip().upper() if self.upper else data.strip()
        if "\x00" in code:
            # No code holds a NUL, and PostgreSQL refuses one even in a look-up.
            self.fail("invalid_choice", input=data)
        try:
            return cast(QuerySet[Any], self.get_queryset()).get(**{self.slug_field: code})
        except (
            cast(QuerySet[Any], self.get_queryset()).model.DoesNotExist,
            cast(QuerySet[Any], self.get_queryset()).model.MultipleObjectsReturned,
        ):
            self.fail("invalid_choice", input=data)


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


# ---------------------------------------------------------------------------------------------
# Documentation: the OpenAPI document rendered on the server, with no script or asset from elsewhere


def _component(schema: dict, ref: str) -> tuple[str, dict]:
    name = ref.rsplit("/", 1)[-1]
    return name, schema["components"]["schemas"].get(name, {})


def _type_label(schema: dict, node: dict) -> str:
    if "$ref" in node:
        return _component(schema, node["$ref"])[0]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in node:
            return " | ".join(_type_label(schema, part) for part in node[key])
    if node.get("type") == "array":
        return f"array<{_type_label(schema, node.get('items', {}))}>"
    label = node.get("type", "any")
    if node.get("format"):
        label = f"{label} ({node['format']})"
    if node.get("nullable"):
        label = f"{label}, null"
    return label


def _fields(schema: dict, node: dict) -> list[dict[str, Any]]:
    """The properties of a request or response body, one row each."""
    if "$ref" in node:
        node = _component(schema, node["$ref"])[1]
    required = set(node.get("required", []))
    rows = []
    for name, prop in node.get("properties", {}).items():
        target = _component(schema, prop["$ref"])[1] if "$ref" in prop else prop
        enum = target.get("enum") or []
        rows.append(
            {
                "name": name,
                "type": _type_label(schema, prop),
                "required": name in required,
                "read_only": prop.get("readOnly", False),
                "description": prop.get("description") or target.get("description", ""),
                "enum": [value for value in enum if value not in ("", None)],
            }
        )
    return rows


def _operations(schema: dict) -> list[dict[str, Any]]:
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            responses = []
            for code, response in op.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {}).get("schema")
                responses.append(
                    {
                        "code": code,
                        "description": response.get("description", ""),
                        "type": _type_label(schema, content) if content else "",
                    }
                )
            operations.append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "public": op.get("security") == [] or {} in op.get("security", [{}]),
                    "parameters": [
                        {
                            "name": p["name"],
                            "location": p["in"],
                            "required": p.get("required", False),
                            "type": _type_label(schema, p.get("schema", {})),
                            "description": p.get("description", ""),
                            "enum": p.get("schema", {}).get("enum", []),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": _fields(schema, body) if body else [],
                    "body_type": _type_label(schema, body) if body else "",
                    "responses": responses,
                }
            )
    return operations


def api_docs(request: HttpRequest) -> HttpResponse:
    """Every endpoint with its parameters, request fields and responses, read from the same OpenAPI
    document /api/v1/schema/ serves. Rendered here because the platform runs on a closed network:
    Swagger UI and ReDoc load their scripts from a CDN."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return render(
        request,
        "api/docs.html",
        {"info": schema.get("info", {}), "operations": _operations(schema)},
    )


# ---------------------------------------------------------------------------------------------
# Public reads


class _NoFormatOverride(DefaultContentNegotiation):
    """`format=` here means an export (csv, xlsx, json), not DRF's renderer override: always JSON."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class PublicAPIView(APIView):
    # Open to everyone; a signed-in caller is recognised only so that the anonymous throttles and the
    # anonymous export cap pass it by.
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _NoFormatOverride
