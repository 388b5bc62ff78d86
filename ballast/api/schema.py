"""The OpenAPI schema (drf-spectacular): every operation documents its problems
(RFC 9457, ``application/problem+json``), its ETag, and the If-Match / Idempotency-Key
headers it reads, so that the contract test and Schemathesis hold the API to them."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

PROBLEM = "application/problem+json"


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    current_version = serializers.IntegerField(required=False)
    changes = serializers.ListField(child=serializers.DictField(), required=False)


class AutoSchema(BaseAutoSchema):
    def _changes_object(self) -> bool:
        if self.method in ("PUT", "PATCH", "DELETE"):
            return True
        return self.method == "POST" and getattr(self.view, "detail", False)

    def _creates(self) -> bool:
        action = getattr(self.view, "action", None)
        create = getattr(type(self.view), "create", None)
        return action == "create" and getattr(create, "idempotent", False)

    def get_response_serializers(self):
        # Creates and changes answer with the object as it is read (object_response).
        action = getattr(self.view, "action", None)
        if action in ("create", "update", "partial_update") and hasattr(
            self.view, "get_read_serializer_class"
        ):
            return self.view.get_read_serializer_class()
        return super().get_response_serializers()

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._changes_object():
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description='该对象的 ETag（其版本号，如 "3"）；缺少为 428，过期为 412。',
                )
            )
        if self._creates():
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="客户端自定的唯一键：24 小时内重试同一请求只创建一次。",
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "405", "406", "415", "429"]
        if self._changes_object():
            codes += ["412", "428"]
        if self._creates():
            codes += ["422"]
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ProblemSerializer, code, media_types=[PROBLEM], direction=direction
                )
                responses[code]["description"] = "RFC 9457 problem"
        return responses


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "ballast.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "个人接口令牌（/accounts/tokens/ 创建）：Authorization: Bearer bst_…",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "ballast.api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        from django.conf import settings

        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
