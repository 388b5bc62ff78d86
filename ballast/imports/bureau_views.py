"""The reconciliation pages (与统计局入库清单比对): the differences of a stored bureau
list with Ballast (``?list=`` one list, by default the latest; ``?export=csv|xlsx``), and
the upload of the bureau's file (all or nothing)."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from ballast.accounts import policy
from ballast.imports.bureau import bureau_differences, bureau_list_import
from ballast.imports.bureau_tables import BureauDiffTable
from ballast.imports.models import BureauList
from ballast.web.forms import DATE
from ballast.web.views.generic import ObjectEditView, ObjectListView


class BureauDiffList(ObjectListView):
    model = BureauList
    action = "spotcheck.view"
    table_class = BureauDiffTable
    template_name = "imports/bureau.html"
    export_title = "与统计局入库清单比对"
    paginate = False

    def get_rows(self):
        lists = self.get_queryset().select_related("city").order_by("-received_on", "-pk")
        self.lists = list(lists[:24])
        chosen = self.request.GET.get("list")
        self.chosen = None
        if chosen and chosen.isdigit():
            self.chosen = lists.filter(pk=int(chosen)).first()
        elif self.lists:
            self.chosen = self.lists[0]
        if self.chosen is None:
            return []
        return bureau_differences(bureau_list=self.chosen)

    def get_export_filename(self):
        return f"bureau-{self.chosen.received_on:%Y%m%d}" if self.chosen else "bureau"

    def get_extra_context(self, rows, **kwargs):
        return {
            "lists": self.lists,
            "chosen": self.chosen,
            "may_upload": policy.may_do(self.request.user, "spotcheck.add"),
        }


bureau = BureauDiffList.as_view()


class BureauUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("统计局入库清单（xlsx 或 csv）"))
    received_on = forms.DateField(label=gettext_lazy("清单日期"), widget=DATE)


class BureauUpload(ObjectEditView):
    model = BureauList
    action = "spotcheck.add"
    form_class = BureauUploadForm
    template_name = "imports/bureau_upload.html"
    creates = True
    carries_version = False
    error_aliases = {"file": "file"}

    def get_form(self, obj):
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        return self.form_class(data, files)

    def save(self, form, obj, expected_version):
        city = policy.city_for(self.request.user)
        if city is None:
            raise Http404
        upload = form.cleaned_data["file"]
        return bureau_list_import(
            user=self.request.user,
            city=city,
            file=upload,
            filename=upload.name,
            received_on=form.cleaned_data["received_on"],
        )

    def get_success_message(self, saved):
        return gettext("已导入统计局入库清单（%(n)s个项目）。") % {"n": saved.entries.count()}

    def get_success_url(self, saved):
        return reverse("imports:bureau") + f"?list={saved.pk}"

    def get_title(self):
        return gettext("导入统计局入库清单")


bureau_upload = BureauUpload.as_view()
