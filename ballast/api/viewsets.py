"""The restricted viewset every API endpoint derives from (NetBox's
``netbox/api/viewsets``), the twin of the pages' restricted views.

* The queryset is ``policy.restrict(…, user, VIEW)``: an object outside the person's scope
  does not exist for them (404).
* The action follows the method — VIEW for GET, ADD for POST to a list, CHANGE for
  PUT/PATCH, DELETE — or is named for an ``@action`` (``policy_actions``: SUBMIT, APPROVE
  …). A role without the action at all is 403; an object in scope that the person may see
  but not take the action on is 403.
* Writes go through the app's services (``create_object``, ``update_object``, the
  actions), which re-check the policy inside their transaction; never
  ``serializer.save()`` into a domain model.
* Every object answer carries ``ETag: "<version>"``; a change needs ``If-Match``
  (``concurrency``); a create may carry an ``Idempotency-Key`` (``idempotency``).
"""

from __future__ import annotations

import contextlib

from django.urls import NoReverseMatch
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.response import Response

from ballast.accounts import policy
from ballast.api.concurrency import etag, if_match_version
from ballast.api.idempotency import idempotent

METHOD_ACTIONS = {
    "GET": policy.VIEW,
    "HEAD": policy.VIEW,
    "OPTIONS": policy.VIEW,
    "POST": policy.ADD,
    "PUT": policy.CHANGE,
    "PATCH": policy.CHANGE,
    "DELETE": policy.DELETE,
}


class RestrictedViewSet(viewsets.GenericViewSet):
    """Read access restricted by the policy; subclasses add the write doors."""

    # ``@action`` name → the policy action it takes (e.g. {"submit": policy.SUBMIT}).
    policy_actions: dict[str, str] = {}
    # The actions that change an object and so need If-Match (all named ones by default).
    lookup_value_regex = r"\d+"

    @property
    def model(self):
        return self.queryset.model

    def policy_action(self) -> str:
        if self.action in self.policy_actions:
            return self.policy_actions[self.action]
        return METHOD_ACTIONS.get(self.request.method, policy.VIEW)

    def get_queryset(self):
        return policy.restrict(super().get_queryset(), self.request.user, policy.VIEW)

    def check_permissions(self, request):
        super().check_permissions(request)
        action = self.policy_action()
        if not policy.may(request.user, action, self.model):
            raise exceptions.PermissionDenied(policy._denied_message(action))

    def get_object(self):
        obj = super().get_object()
        action = self.policy_action()
        if action != policy.VIEW:
            allowed = policy.restrict(
                self.model._base_manager.filter(pk=obj.pk), self.request.user, action
            )
            if not allowed.exists():
                raise exceptions.PermissionDenied(policy._denied_message(action))
        return obj

    # ----------------------------------------------------------------------- answers

    def object_response(self, obj, status_code=status.HTTP_200_OK, serializer_class=None):
        """``obj`` as the viewset shows it, with its ETag (and Location when created)."""
        serializer_class = serializer_class or self.get_read_serializer_class()
        data = serializer_class(obj, context=self.get_serializer_context()).data
        headers = {}
        tag = etag(obj)
        if tag:
            headers["ETag"] = tag
        if status_code == status.HTTP_201_CREATED:
            with contextlib.suppress(NoReverseMatch):
                headers["Location"] = self.reverse_action("detail", args=[obj.pk])
        return Response(data, status=status_code, headers=headers)

    def get_read_serializer_class(self):
        return getattr(self, "read_serializer_class", None) or self.serializer_class

    def validated(self, serializer_class=None, *, instance=None, partial=False) -> dict:
        serializer_class = serializer_class or self.get_serializer_class()
        serializer = serializer_class(
            instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def expected_version(self) -> int:
        return if_match_version(self.request)


class ReadOnlyViewSet(mixins.ListModelMixin, RestrictedViewSet):
    """List and detail (with ETag)."""

    def retrieve(self, request, *args, **kwargs):
        return self.object_response(self.get_object())


class WritableViewSet(ReadOnlyViewSet):
    """List, detail, create (idempotent) and update (If-Match) through services:
    subclasses implement ``create_object(data)`` and ``update_object(obj, data, version)``."""

    write_serializer_class = None

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update") and self.write_serializer_class:
            return self.write_serializer_class
        return super().get_serializer_class()

    @idempotent
    def create(self, request, *args, **kwargs):
        obj = self.create_object(self.validated())
        return self.object_response(obj, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        version = self.expected_version()
        obj = self.get_object()
        data = self.validated(instance=obj, partial=partial)
        obj = self.update_object(obj, data, version)
        return self.object_response(obj)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    def create_object(self, data: dict):  # pragma: no cover - every subclass has its own
        raise NotImplementedError

    def update_object(self, obj, data: dict, version: int):  # pragma: no cover
        raise NotImplementedError
