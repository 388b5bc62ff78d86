"""The admin's base class: every admin view narrows its rows with the access policy and
writes through the domain services, so the admin obeys the same rules as every page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from ballast.accounts import policy
from ballast.regions.models import Region


class RestrictedAdmin(SimpleHistoryAdmin):
    """ModelAdmin restricted by :mod:`ballast.accounts.policy`."""

    # simple_history's list without its style attribute (the CSP forbids them).
    object_history_list_template = "core/admin/object_history_list.html"

    def get_queryset(self, request):
        return policy.restrict(super().get_queryset(request), request.user, policy.VIEW)

    def _obj_allowed(self, request, action, obj) -> bool:
        if not policy.may(request.user, action, self.model):
            return False
        if obj is None:
            return True
        return policy.restrict(
            self.model._base_manager.filter(pk=obj.pk), request.user, action
        ).exists()

    def has_module_permission(self, request):
        return bool(policy.allowed_actions(request.user, self.model.access_group))

    def has_view_permission(self, request, obj=None):
        return self._obj_allowed(request, policy.VIEW, obj) or self._obj_allowed(
            request, policy.CHANGE, obj
        )

    def has_add_permission(self, request):
        return policy.may(request.user, policy.ADD, self.model)

    def has_change_permission(self, request, obj=None):
        return self._obj_allowed(request, policy.CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        return self._obj_allowed(request, policy.DELETE, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Region and db_field.name == getattr(
            self.model, "unit_path", None
        ):
            # the owning unit: only units the user may write in
            kwargs["queryset"] = policy.units_for(request.user, policy.ADD, self.model)
        elif db_field.related_model is Region:
            kwargs["queryset"] = policy.restrict(Region.objects.all(), request.user, policy.VIEW)
        elif (
            hasattr(db_field.related_model, "access_group")
            and db_field.related_model is not self.model
        ):
            kwargs["queryset"] = policy.restrict(
                db_field.related_model._default_manager.all(), request.user, policy.VIEW
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def run_service(self, request, func, **kwargs):
        """Call a service and turn its refusals into admin messages."""
        try:
            return func(user=request.user, **kwargs)
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
        return None
