"""The web upload of investment leads (招商线索): the same workbook as ``manage.py
import_leads`` (the lead list's export columns, ``imports.leads``), read with the ledger's
tolerance of messy cells and written all or nothing — one bad row writes nothing and every
problem is listed with its line; and the template to fill."""

from __future__ import annotations

import io

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from ballast.accounts import policy
from ballast.attraction.models import Lead
from ballast.imports.leads import HEADERS, REQUIRED, import_leads
from ballast.imports.views import _file_response
from ballast.web.views.generic import ObjectEditView, RestrictedView


class LeadsUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("招商线索表（xlsx）"))


class LeadsUpload(ObjectEditView):
    """导入招商线索: whoever keeps leads (the policy's ``keep_leads``) for the units the
    person may write to; every lead through ``attraction.services.lead_create``."""

    model = Lead
    action = "keep_leads"
    denied_message = gettext_lazy("您没有登记招商线索的权限。")
    form_class = LeadsUploadForm
    template_name = "imports/leads_upload.html"
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
        return import_leads(user=self.request.user, city=city, upload=form.cleaned_data["file"])

    def get_success_message(self, saved):
        return gettext("已导入招商线索 %(n)s 条。") % {"n": len(saved)}

    def get_success_url(self, saved):
        return reverse("attraction:leads")

    def get_title(self):
        return gettext("导入招商线索")

    def get_extra_context(self, form) -> dict:
        context = super().get_extra_context(form)
        context["columns"] = [(names[0], field in REQUIRED) for field, names in HEADERS.items()]
        return context


leads_upload = LeadsUpload.as_view()


def template_workbook() -> bytes:
    """The leads template: a title row, then the headers the import reads (the first name
    of each column; required ones marked in the note row)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "招商线索"
    headers = [names[0] for names in HEADERS.values()]
    sheet.append(["招商线索（导入模板）"])
    sheet.append(headers)
    sheet["A1"].font = Font(bold=True, size=14)
    for index in range(1, len(headers) + 1):
        sheet.cell(row=2, column=index).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = 16
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class LeadsTemplate(RestrictedView):
    model = Lead
    action = "keep_leads"
    denied_message = gettext_lazy("您没有登记招商线索的权限。")

    def get(self, request, *args, **kwargs):
        return _file_response(template_workbook(), "招商线索模板.xlsx")


leads_template = LeadsTemplate.as_view()
