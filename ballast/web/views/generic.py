"""The restricted base of every page (NetBox's ``netbox/views/generic``), the twin of the
API's ``ballast.api.viewsets``.

A page declares the model it shows and the *named* policy action it takes::

    class ReportAccept(ObjectActionView):
        model = MonthlyReport
        action = "report.accept"          # group.action of accounts.policy, or a named
                                          # action / duty ("view_warnings", "export_ledger")

and the base does the rest, the same way on every page:

* **The right** — ``policy.may_do(user, action)`` before anything else: a person whose role
  lacks it is answered 403 (never a redirect), so the door battery can tell.
* **The rows** — the queryset is ``policy.restrict(queryset, user, VIEW)``: an object
  outside the person's scope does not exist for them (404). On a write, the object must
  also be inside ``restrict(user, <the action>)`` (403 when visible but not theirs to
  change).
* **The write** — goes through the app's service (``save`` / ``run``, which a page must
  write: the base never calls ``form.save()`` or ``obj.save()``). The service re-checks
  the policy inside its transaction; the base runs it inside one more
  ``transaction.atomic`` and, before it commits, checks that the saved object is still in
  the person's allowed set (a project edited into another unit is refused and nothing is
  written) — NetBox's re-check.
* **The version** — an edit form carries the version of the record it was opened at (a
  hidden ``version`` field, added here when the form lacks it); ``save`` receives it as
  ``expected_version`` for the service's ``check_version``. A stale save is refused: the
  form is shown again with the person's input, the message and the table of what the
  other person changed (``web/_conflict.html``), the version moved to the stored one.
* **Lists** — one table (``table_class``, django-tables2, in the app's ``tables.py``)
  draws the page and makes the CSV/xlsx export (``?export=csv|xlsx``), through
  :mod:`ballast.web.exports`, so the columns are written once.

The classes: :class:`ObjectListView`, :class:`ObjectView` (detail),
:class:`ObjectEditView` (create and edit; also a form that runs one service on an object,
e.g. suspending a project), :class:`ObjectActionView` (a POST button of a flow: submit,
approve, accept, return). docs/development.md says which to use for a new page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from ballast.accounts import policy
from ballast.web.forms import apply_errors, version_field
from ballast.web.pages import PAGE_SIZE, query_without_page
from ballast.web.redirects import back


class RestrictedView(LoginRequiredMixin, View):
    """A page over the rows of ``model`` that takes the named policy ``action``."""

    model = None
    # "group.action" (e.g. "project.change", "report.accept") or a named action / duty of
    # accounts.policy ("view_warnings"). Defaults to "<the model's group>.view".
    action: str | None = None
    # The message of a refusal (403); the policy's own wording when None.
    denied_message: str | None = None
    template_name: str | None = None
    # Answer a person without the right 404 instead of 403: an object's page does not
    # tell someone who may see no such objects that this one exists.
    hide_when_refused = False

    # ------------------------------------------------------------------ the right

    def get_action(self) -> str:
        return self.action or f"{self.model.access_group}.{policy.VIEW}"

    def row_action(self) -> str:
        """The action on rows (``restrict``) the named action stands for: the part after
        the dot of "group.action", VIEW for a named action that is not one."""
        group, __, verb = self.get_action().partition(".")
        return verb or policy.VIEW

    def names_an_object(self) -> bool:
        """Whether the URL names an object of ``model`` (its ``pk``)."""
        return "pk" in self.kwargs and self.model is not None

    def has_permission(self) -> bool:
        return policy.may_do(self.request.user, self.get_action())

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()  # to the login page, as @login_required
        if self.names_an_object() and not self.get_queryset().filter(pk=kwargs["pk"]).exists():
            # an object outside the person's scope does not exist for them, whatever
            # they may do elsewhere: 404 before the right is asked
            raise Http404
        if not self.has_permission():
            if self.hide_when_refused:
                raise Http404
            raise PermissionDenied(self.denied_message or policy._denied_message(self.row_action()))
        return super().dispatch(request, *args, **kwargs)

    # ------------------------------------------------------------------- the rows

    def base_queryset(self):
        """The rows before the policy narrows them (select_related, annotations …)."""
        return self.model.objects.all()

    def get_queryset(self):
        return policy.restrict(self.base_queryset(), self.request.user, policy.VIEW)

    def get_object(self):
        """The object the URL names, if the person may see it (404 otherwise: never tell
        an outsider it exists), and may take the action on it (403 otherwise)."""
        obj = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise Http404
        self.check_object(obj)
        return obj

    def check_object(self, obj) -> None:
        action = self.row_action()
        if action == policy.VIEW:
            return
        allowed = policy.restrict(
            type(obj)._base_manager.filter(pk=obj.pk), self.request.user, action
        )
        if not allowed.exists():
            raise PermissionDenied(self.denied_message or policy._denied_message(action))

    # ------------------------------------------------------------------- the write

    def write(self, run, obj=None):
        """Run ``run()`` (which calls the service) in one transaction and, before it
        commits, check that the object written is still in the person's allowed set: the
        one ``run`` returns when it is of the page's model (an edit, a create), else
        ``obj``, the object the page acts on (a project whose stage was recorded)."""
        with transaction.atomic():
            result = run()
            target = result if isinstance(result, self.model) else obj
            if target is not None and target.pk is not None:
                policy.check(self.request.user, self.row_action(), target)
        return result

    def render_page(self, context: dict):
        return render(self.request, self.template_name, context)


class ObjectListView(RestrictedView):
    """A list: the restricted rows, filtered by ``filterset_class``, drawn by
    ``table_class``; ``?export=csv|xlsx`` downloads the same table's export columns."""

    table_class = None
    filterset_class = None
    paginate = True
    # The export's file name (without extension) and sheet title; may use the context.
    export_filename = "export"
    export_title = ""

    def get_rows(self):
        """The rows of the list: the restricted queryset through the filterset."""
        rows = self.get_queryset()
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(
                self.request.GET or None, queryset=rows, **self.filterset_kwargs()
            )
            rows = self.filterset.qs
        return rows

    def filterset_kwargs(self) -> dict:
        return {}

    def get_table(self, rows):
        """The list's table (None for a list drawn by its template, without export)."""
        if self.table_class is None:
            return None
        return self.table_class(rows, **self.table_kwargs())

    def table_kwargs(self) -> dict:
        return {}

    def export(self, kind: str, table):
        return table.export(kind, self.get_export_filename(), self.get_export_title())

    def get_export_filename(self) -> str:
        return self.export_filename

    def get_export_title(self) -> str:
        return self.export_title

    def get(self, request, *args, **kwargs):
        self.filterset = None
        rows = self.get_rows()
        kind = request.GET.get("export")
        if kind in ("csv", "xlsx") and self.table_class is not None:
            # every filtered row, through the same table (None: nothing to export, the page)
            response = self.export(kind, self.get_table(rows))
            if response is not None:
                return response
        context = {"filterset": self.filterset, "query": query_without_page(request)}
        shown = rows
        if self.paginate:
            page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
            page.object_list = shown = self.page_rows(page.object_list)
            context["page"] = page
        table = self.get_table(shown)
        context["table"] = table
        context.update(self.get_extra_context(rows=rows, table=table))
        return self.render_page(context)

    def page_rows(self, rows):
        """The rows of one page (a hook to prefetch what only the page shows)."""
        return rows

    def get_extra_context(self, **kwargs) -> dict:
        return {}


class ObjectView(RestrictedView):
    """The page of one object (``pk`` in the URL)."""

    context_object_name = "object"
    hide_when_refused = True

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        context = {self.context_object_name: self.object}
        context.update(self.get_extra_context())
        return self.render_page(context)

    def get_extra_context(self) -> dict:
        return {}


class ObjectEditView(RestrictedView):
    """A form that creates or changes an object through a service.

    Subclasses give ``form_class`` and ``save(form, obj, expected_version)`` (calling the
    service; returns the saved object), and where to go after (``success_url``). ``obj``
    is ``get_object()``: the object edited, or the object the form acts on (a project
    being suspended), or None for a create (``creates = True``).
    """

    form_class = None
    template_name = "web/form.html"
    creates = False
    # Whether the form carries the version of the record (``versioned_record``) it was
    # opened at; False only where the service adds a fact and takes no version.
    carries_version = True
    success_message = ""
    # Model field named by a service → the form field that holds it.
    error_aliases: dict | None = None

    def get_object(self):
        if self.creates:
            return None
        return super().get_object()

    def get_form_kwargs(self, obj) -> dict:
        return {}

    def get_initial(self, obj) -> dict | None:
        return None

    def versioned_record(self, obj):
        """The record whose version the form carries (the object itself by default)."""
        return obj if hasattr(obj, "version") else None

    def get_form(self, obj):
        posted = self.request.method == "POST"
        data = self.request.POST if posted else None
        kwargs = self.get_form_kwargs(obj)
        initial = self.get_initial(obj)
        if initial is not None:
            kwargs["initial"] = initial
        form = self.form_class(data, self.request.FILES if posted else None, **kwargs)
        record = self.versioned_record(obj)
        if self.carries_version and "version" not in form.fields and (record or self.creates):
            # Every form over a versioned record carries the version it was opened at.
            form.fields["version"] = version_field()
            form.fields["version"].initial = record.version if record is not None else 0
        return form

    def expected_version(self, form):
        if "version" not in form.fields:
            return None
        return form.cleaned_data.get("version")

    def save(self, form, obj, expected_version):  # pragma: no cover - every page has its own
        raise NotImplementedError

    def get_success_message(self, saved) -> str:
        return str(self.success_message)

    def get_success_url(self, saved) -> str:  # pragma: no cover
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.form_page(self.get_form(self.object))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form(self.object)
        if form.is_valid():
            version = self.expected_version(form)
            try:
                saved = self.write(lambda: self.save(form, self.object, version), self.object)
            except ValidationError as exc:
                # StaleObjectError too: the conflict table, the input kept
                apply_errors(form, exc, self.error_aliases)
            else:
                message = self.get_success_message(saved)
                if message:
                    messages.success(request, message)
                return redirect(self.get_success_url(saved))
        return self.form_page(form)

    def get_title(self) -> str:
        return ""

    def form_page(self, form):
        context = {"form": form, "title": self.get_title()}
        context.update(self.get_extra_context(form))
        return self.render_page(context)

    def get_extra_context(self, form) -> dict:
        return {}


class ObjectActionView(RestrictedView):
    """A POST button that takes one step of a flow on an object (submit, approve, accept,
    return): the version the page showed is posted as ``version``; the step runs through
    ``run(obj, expected_version)`` (the service); the person is sent back to the page they
    came from (``next``) with the outcome as a message."""

    http_method_names = ["post"]
    fallback_url = "web:home"

    def posted_version(self):
        """The version of the object the page showed (None from a page that did not send
        it: then the service does not check it)."""
        text = self.request.POST.get("version", "")
        return int(text) if text.isdigit() else None

    def run(self, obj, expected_version):  # pragma: no cover - every action has its own
        raise NotImplementedError

    def done_message(self, obj) -> str:  # pragma: no cover
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            self.write(lambda: self.run(obj, self.posted_version()), obj)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, self.done_message(obj))
        return back(request, self.fallback_url)
