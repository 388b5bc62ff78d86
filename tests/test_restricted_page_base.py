"""The restricted base of the pages (ballast/web/views/generic.py): the named action is
asked first (403), the rows come from the policy (404 outside the scope), a write that
leaves the object outside the person's allowed set is refused inside the transaction and
writes nothing, and a form over a versioned record carries its version."""

from decimal import Decimal

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from ballast.projects.models import Project
from ballast.web.views.generic import ObjectEditView, ObjectView


class Confirm(forms.Form):
    reason = forms.CharField()


class MoveToOtherUnit(ObjectEditView):
    """A page whose 'service' moves the project into another unit (as a buggy or
    malicious service might): the base must refuse it before the transaction commits."""

    model = Project
    action = "project.change"
    form_class = Confirm
    carries_version = False
    other_unit = None

    def save(self, form, obj, expected_version):
        Project.objects.filter(pk=obj.pk).update(unit=self.other_unit)
        obj.refresh_from_db()
        return obj

    def get_success_url(self, saved):
        return "/"


class Page(ObjectView):
    model = Project
    action = "project.view"
    template_name = "projects/project_detail.html"


def _request(user, method="get", data=None):
    request = getattr(RequestFactory(), method)("/x/", data or {})
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.django_db
def test_a_write_that_leaves_the_scope_is_refused_and_rolled_back(
    people, make_project, unit_a, unit_b
):
    project = make_project(name="仪征项目", total_investment=Decimal("1000.00"))
    view = MoveToOtherUnit.as_view(other_unit=unit_b)
    data = {"reason": "划归高邮"}
    with pytest.raises(PermissionDenied):
        view(_request(people["clerk_a"], "post", data), pk=project.pk)
    project.refresh_from_db()
    assert project.unit == unit_a  # nothing written


@pytest.mark.django_db
def test_the_named_action_is_asked_first_and_rows_come_from_the_policy(
    people, make_project, unit_b
):
    project = make_project(name="仪征项目", total_investment=Decimal("1000.00"))
    edit = MoveToOtherUnit.as_view(other_unit=unit_b)
    # a unit reviewer may see projects but not change them: 403 before any row is read
    with pytest.raises(PermissionDenied):
        edit(_request(people["reviewer_a"]), pk=project.pk)
    # a clerk of another unit does not learn that the project exists
    with pytest.raises(Http404):
        Page.as_view()(_request(people["clerk_b"]), pk=project.pk)
    with pytest.raises(Http404):
        edit(_request(people["clerk_b"]), pk=project.pk)


@pytest.mark.django_db
def test_an_edit_form_carries_the_version_it_was_opened_at(people, make_project, client):
    project = make_project(name="仪征项目", total_investment=Decimal("1000.00"))
    client.force_login(people["clerk_a"])
    html = client.get(f"/projects/{project.pk}/edit/").content.decode()
    assert f'name="version" value="{project.version}"' in html
