"""Serializer helpers: related choices narrowed to the person's scope, so an object the
person may not see is "not found" (400 on that field), never revealed or used."""

from rest_framework import serializers

from ballast.accounts import policy


class ScopedModelSerializer(serializers.ModelSerializer):
    """A model serializer whose related fields offer only rows in the person's scope."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in fields.values():
            target = getattr(field, "child_relation", field)
            queryset = getattr(target, "queryset", None)
            if queryset is None or user is None:
                continue
            if hasattr(queryset.model, "access_group"):
                target.queryset = policy.restrict(queryset, user, policy.VIEW)
        return fields
