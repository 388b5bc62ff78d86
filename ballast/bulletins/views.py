"""/bulletins/: the published bulletins, composing one for a period with a preview, draft
downloads (.docx/.xlsx), publishing (city administrators), downloads of published ones
(always re-rendered from their stored content)."""

from __future__ import annotations

import base64

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ballast.accounts import policy
from ballast.accounts.signals import data_exported
from ballast.attraction.models import CampaignRound
from ballast.bulletins.charts import render_chart
from ballast.bulletins.models import Bulletin
from ballast.bulletins.restatement import restatement
from ballast.bulletins.selectors import bulletin_content, parse_period, published_bulletins
from ballast.bulletins.services import (
    bulletin_docx,
    bulletin_publish,
    bulletin_xlsx,
    render_docx,
    render_xlsx,
    round_bulletin_publish,
)
from ballast.regions.models import Region
from ballast.regions.services import assessment_units
from ballast.web.clock import request_today
from ballast.web.views.generic import ObjectListView, ObjectView

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Who may compose a draft: whoever may read bulletins (the policy's "bulletin" group) —
# city-level people for the city (any unit), unit people for their own unit. Publishing
# is the policy's ADD (city administrators).


def may_compose(user) -> bool:
    """The policy's named action ``compose_bulletin``."""
    return policy.may_do(user, "compose_bulletin")


def _city_of(user, request=None) -> Region | None:
    """The city of the bulletin: the person's own, or the one a province person (or a
    superuser) chose (``city=CODE``)."""
    code = (request.GET.get("city") or request.POST.get("city")) if request is not None else None
    return policy.city_for(user, code)


class ComposeForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("期间"),
        max_length=8,
        help_text=gettext_lazy("季度 2023Q1、半年 2023H1 或年度 2023"),
        widget=forms.TextInput(attrs={"placeholder": "2023Q1"}),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("板块"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=gettext_lazy("全市"),
    )
    as_of = forms.DateField(
        label=gettext_lazy("数据截至"),
        required=False,
        help_text=gettext_lazy("默认为期间末"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user, city, **kwargs):
        super().__init__(*args, **kwargs)
        units = assessment_units(city)
        self.unit_only = not (user.is_superuser or user.is_above_units)
        if self.unit_only:
            units = units.filter(pk=user.region_id)
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = None
        self.fields["unit"].queryset = units
        self.fields["unit"].widget.attrs["class"] = "select"

    def clean_period(self):
        text = self.cleaned_data["period"].strip().upper()
        try:
            return str(parse_period(text))
        except ValueError as exc:
            raise ValidationError(str(exc).strip("'\"") or _("期间格式不正确。")) from exc


def _file(data: bytes, filename: str, content_type: str) -> HttpResponse:
    data_exported(what=filename, fmt=filename.rsplit(".", 1)[-1], rows=None)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _blocks_for_html(content: dict) -> list[dict]:
    """The sections with their tables and charts resolved, for the preview template."""
    sections = []
    for section in content.get("sections", []):
        blocks = []
        for block in section.get("blocks", []):
            kind = block.get("type")
            if kind == "table":
                table = content["tables"].get(block["table"])
                if table:
                    rows = list(table["rows"])
                    if table.get("total"):
                        rows.append(table["total"])
                    blocks.append({"type": "table", "table": table, "rows": rows})
            elif kind == "chart":
                chart = content["charts"].get(block["chart"])
                if chart:
                    png = base64.b64encode(render_chart(chart)).decode("ascii")
                    blocks.append({"type": "chart", "title": chart["title"], "png": png})
            else:
                blocks.append(block)
        sections.append({"heading": section["heading"], "blocks": blocks})
    return sections


def _compose(request):
    """The compose form and, when valid, the draft's content."""
    user = request.user
    if not may_compose(user):
        raise PermissionDenied(_("您没有编制通报的权限。"))
    city = _city_of(user, request)
    if city is None:
        raise PermissionDenied(_("您的账号没有所属的市或板块。"))
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = ComposeForm(data, user=user, city=city)
    content = None
    if form.is_valid():
        try:
            content = bulletin_content(
                city=city,
                period=form.cleaned_data["period"],
                unit=form.cleaned_data["unit"],
                as_of=form.cleaned_data["as_of"],
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
    return form, city, content


def _stem(content: dict, draft: bool) -> str:
    return f"{content['title']}{'（未发布稿）' if draft else ''}"


class BulletinList(ObjectListView):
    """The published bulletins of the person's area, newest first."""

    model = Bulletin
    action = "bulletin.view"
    denied_message = "您没有查看通报的权限。"
    template_name = "bulletins/list.html"
    paginate = False

    def get_rows(self):
        return published_bulletins(user=self.request.user)

    def get_extra_context(self, rows, **kwargs):
        user = self.request.user
        return {
            "bulletins": rows,
            "may_compose": may_compose(user),
            "may_publish": policy.may(user, policy.ADD, Bulletin),
        }


bulletin_list = BulletinList.as_view()


@login_required
def bulletin_compose(request):
    form, city, content = _compose(request)
    if content is None and not form.is_bound:
        today = request_today()
        quarter = (today.month - 1) // 3
        default = f"{today.year}Q{quarter}" if quarter else f"{today.year - 1}Q4"
        form = ComposeForm(initial={"period": default}, user=request.user, city=city)
    return render(
        request,
        "bulletins/compose.html",
        {
            "form": form,
            "content": content,
            "sections": _blocks_for_html(content) if content else [],
            "query": request.GET.urlencode(),
            "may_publish": policy.may(request.user, policy.ADD, Bulletin),
        },
    )


@login_required
def bulletin_draft(request, fmt: str):
    if fmt not in ("docx", "xlsx"):
        raise Http404
    form, _city, content = _compose(request)
    if content is None:
        messages.error(request, _("请先选择有效的期间。"))
        return redirect("bulletins:compose")
    if fmt == "docx":
        return _file(render_docx(content), f"{_stem(content, True)}.docx", DOCX_TYPE)
    return _file(render_xlsx(content), f"{_stem(content, True)}（附表）.xlsx", XLSX_TYPE)


@login_required
@require_POST
def bulletin_publish_view(request):
    user = request.user
    if not policy.may(user, policy.ADD, Bulletin):
        raise PermissionDenied(_("只有市级管理员可以发布通报。"))
    city = _city_of(user, request)
    form = ComposeForm(request.POST, user=user, city=city)
    if city is None or not form.is_valid():
        for error in form.errors.values():
            messages.error(request, "；".join(error))
        return redirect("bulletins:compose")
    bulletin = bulletin_publish(
        user=user,
        city=city,
        period=form.cleaned_data["period"],
        unit=form.cleaned_data["unit"],
        as_of=form.cleaned_data["as_of"] or None,
        background=True,
    )
    bulletin.refresh_from_db()  # the embedded mode rendered it after the commit
    done = _("已发布") if bulletin.is_published else _("已提交后台生成")
    messages.success(
        request,
        _("%(done)s：%(title)s（%(year)s年第%(number)s期）。")
        % {
            "done": done,
            "title": bulletin.title,
            "year": bulletin.period[:4],
            "number": bulletin.number,
        },
    )
    return redirect("bulletins:detail", bulletin.pk)


@login_required
@require_POST
def round_bulletin_publish_view(request, pk: int):
    """Publish a campaign round's bulletin (攻坚轮次通报) from the round's page: city
    administrators (the policy's ADD of bulletins), a round of their city."""
    user = request.user
    if not policy.may(user, policy.ADD, Bulletin):
        raise PermissionDenied(_("只有市级管理员可以发布通报。"))
    rnd = get_object_or_404(
        CampaignRound.objects.restrict(user).select_related("campaign__city"), pk=pk
    )
    try:
        bulletin = round_bulletin_publish(user=user, rnd=rnd, as_of=request_today())
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("attraction:round", rnd.pk)
    messages.success(
        request,
        _("已发布：%(title)s（%(year)s年攻坚通报第%(number)s期）。")
        % {"title": bulletin.title, "year": bulletin.period, "number": bulletin.number},
    )
    return redirect("attraction:round", rnd.pk)


class BulletinView(ObjectView):
    """A published bulletin, shown from its stored content."""

    model = Bulletin
    action = "bulletin.view"
    template_name = "bulletins/detail.html"
    context_object_name = "bulletin"

    def get_queryset(self):
        return published_bulletins(user=self.request.user)  # restricted by the policy

    def get_extra_context(self):
        if not self.object.is_published:
            return {}
        content = self.object.content
        return {"content": content, "sections": _blocks_for_html(content)}


class BulletinDownload(BulletinView):
    """A published bulletin as Word or Excel, always re-rendered from its stored content."""

    def get(self, request, *args, fmt: str, **kwargs):
        if fmt not in ("docx", "xlsx"):
            raise Http404
        bulletin = self.get_object()
        if not bulletin.is_published:
            raise Http404("通报尚未生成完成。")
        if fmt == "docx":
            return _file(bulletin_docx(bulletin), f"{bulletin.title}.docx", DOCX_TYPE)
        return _file(bulletin_xlsx(bulletin), f"{bulletin.title}（附表）.xlsx", XLSX_TYPE)


class RestatementView(BulletinView):
    """数据更正说明: a published bulletin's figures as published and as known now, each
    that differs with the records changed after publication behind it (who, when, why).
    Whoever may read the bulletin may read it (the same restricted rows)."""

    template_name = "bulletins/restatement.html"

    def get_extra_context(self):
        bulletin = self.object
        if not bulletin.is_published or bulletin.campaign_round_id is not None:
            raise Http404(_("只有已发布的定期通报有数据更正说明。"))
        return {"restated": restatement(bulletin, user=self.request.user)}


bulletin_detail = BulletinView.as_view()
bulletin_restatement = RestatementView.as_view()
bulletin_download = BulletinDownload.as_view()
