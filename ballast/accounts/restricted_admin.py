"""The admin's base class: every admin view narrows its rows with the access policy and
writes through the domain services, so the admin obeys the same rules as every page.

Every write the admin makes — a change form, an add form, the changelist's editable
columns, an inline row, a delete, a bulk delete and simple-history's "revert" form —
re-checks the policy inside its transaction, as NetBox does: the stored row must be one
the user may change (or delete) before the write, and the written row must still be one
after it; otherwise the transaction rolls back and the admin answers 403. A revert is a
change of the object: it is offered only to people who may change the object, goes
through the admin's own save path (a service where the admin has one) and is recorded
with the acting user and the source "admin". Admins whose writes belong to a workflow
service (reports, stage events, issues …) set ``revert_allowed = False``.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from simple_history.admin import SimpleHistoryAdmin

from ballast.accounts import policy
from ballast.core.history import acting
from ballast.regions.models import Region

REVERT_REASON = "管理后台恢复历史版本"


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

    # --- writes: re-checked inside the transaction ------------------------------------

    # False where the model's writes belong to a service with its own workflow: the
    # history form is then read-only for everyone.
    revert_allowed = True

    def _atomic(self):
        return transaction.atomic(using=router.db_for_write(self.model))

    def _check_stored(self, request, action, obj) -> None:
        """The row as stored (locked) must be one ``request.user`` may ``action``."""
        if obj.pk is None:
            return
        locked = self.model._base_manager.select_for_update().filter(pk=obj.pk)
        if not locked.exists() or not policy.restrict(locked, request.user, action).exists():
            raise PermissionDenied(policy._denied_message(action))

    def save_model(self, request, obj, form, change):
        with self._atomic(), acting(request.user, source="admin"):
            if change:
                self._check_stored(request, policy.CHANGE, obj)
            super().save_model(request, obj, form, change)
            # still inside the user's scope after the write (no moving rows out of it)
            policy.check(request.user, policy.CHANGE if change else policy.ADD, obj)

    def delete_model(self, request, obj):
        with self._atomic(), acting(request.user, source="admin"):
            self._check_stored(request, policy.DELETE, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with self._atomic(), acting(request.user, source="admin"):
            rows = queryset.model._base_manager.filter(pk__in=queryset.values("pk"))
            total = rows.count()
            if policy.restrict(rows, request.user, policy.DELETE).count() != total:
                raise PermissionDenied(policy._denied_message(policy.DELETE))
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        """Inline rows: each one re-checked like the parent (the inline's own model)."""
        user = request.user
        with self._atomic(), acting(user, source="admin"):
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                policy.check(user, policy.DELETE, obj)
                obj.delete()
            for obj in instances:
                if obj.pk is not None:
                    policy.check(user, policy.CHANGE, obj)
                obj.save()
                policy.check(user, policy.CHANGE if obj.pk else policy.ADD, obj)
            formset.save_m2m()

    def revert_disabled(self, request, obj=None):
        return not self.revert_allowed or not self.has_change_permission(request, obj)

    def has_change_history_permission(self, request, obj=None):
        return self.revert_allowed and self.has_change_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A version of the object: shown to whoever may see the object; posted back (a
        revert) only by someone who may change it, re-checked in the transaction."""
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        current = self.get_object(request, object_id)
        if current is None:
            raise PermissionDenied(policy._denied_message(policy.VIEW))
        if self.revert_disabled(request, current):
            raise PermissionDenied(policy._denied_message(policy.CHANGE))
        with self._atomic(), acting(request.user, reason=REVERT_REASON, source="admin"):
            self._check_stored(request, policy.CHANGE, current)
            return super().history_form_view(request, object_id, version_id, extra_context)

    # field name → the roles a chosen person must have (e.g. {"user": policy.duty_roles("be_project_contact")})
    user_choice_roles: dict = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is get_user_model():
            # people: only those of the user's scope, of a fitting role (policy.users_for)
            kwargs["queryset"] = policy.users_for(
                request.user, roles=self.user_choice_roles.get(db_field.name)
            )
        elif db_field.related_model is Region and db_field.name == getattr(
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
