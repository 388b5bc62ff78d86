"""The integrity page's unit rows (数据质量与防虚报), written once for the page and its
export (``ballast.web.tables``). Rows are the ``units`` of ``figures.integrity``. Also the
on-site check lists (现场抽查) and the checks of one list."""

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ballast.alerts.choices import SiteCheckStatus
from ballast.web.tables import Table, column

SMALL = {"td": {"class": "small"}}


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _digit(test) -> str:
    if test["deviates"] is None:
        return gettext("样本%(n)s笔，不足%(m)s笔，不下结论") % {
            "n": test["n"],
            "m": test["min_sample"],
        }
    verdict = gettext("偏离") if test["deviates"] else gettext("正常")
    return gettext("样本%(n)s笔，卡方%(chi2).2f，%(verdict)s") % {
        "n": test["n"],
        "chi2": test["chi2"],
        "verdict": verdict,
    }


class IntegrityTable(Table):
    unit_name = column(verbose_name=_("板块"), export_header="板块")
    quarter_end_share = column(verbose_name=_("季末月占比"), empty_values=())
    top_spike = column(verbose_name=_("季末月/非季末月均值（最高）"), empty_values=())
    reports = column(verbose_name=_("报送月报"), export_header="报送月报（份）", empty_values=())
    amendment_rate = column(verbose_name=_("更正率"), empty_values=())
    return_rate = column(verbose_name=_("退回率"), empty_values=())
    benford = column(verbose_name=_("首位数字检验"), empty_values=(), attrs=SMALL)
    last_digit = column(verbose_name=_("末位数字检验"), empty_values=(), attrs=SMALL)
    reasons = column(verbose_name=_("提示及原因"), empty_values=(), attrs=SMALL)

    class Meta(Table.Meta):
        attrs = {"class": "grid", "id": "integrity-table"}
        empty_text = _("您的范围内没有考核板块。")

    def value_unit_name(self, record):
        return record["unit_name"]

    def value_quarter_end_share(self, record):
        return _pct(record["quarter_end"]["share"])

    def value_top_spike(self, record):
        ratios = [s["ratio"] for s in record["quarter_end"]["spikes"]]
        return f"{max(ratios):.2f}" if ratios else "—"

    def value_reports(self, record):
        return record["reports"]["reports"]

    def value_amendment_rate(self, record):
        return _pct(record["reports"]["amendment_rate"])

    def value_return_rate(self, record):
        return _pct(record["reports"]["return_rate"])

    def value_benford(self, record):
        return _digit(record["digits"]["benford"])

    def value_last_digit(self, record):
        return _digit(record["digits"]["last_digit"])

    def value_reasons(self, record):
        return "\n".join(f["reason"] for f in record["flags"]) or gettext("无")

    render_unit_name = value_unit_name
    render_quarter_end_share = value_quarter_end_share
    render_top_spike = value_top_spike
    render_reports = value_reports
    render_amendment_rate = value_amendment_rate
    render_return_rate = value_return_rate
    render_benford = value_benford
    render_last_digit = value_last_digit

    def render_reasons(self, record):
        if not record["flags"]:
            return gettext("无")
        return format_html_join("", "<div>{}</div>", ((f["reason"],) for f in record["flags"]))


class CheckDrawTable(Table):
    """The city's on-site check lists (现场抽查清单)."""

    month = column(verbose_name=_("抽查月份"), export_header="抽查月份")
    seed = column(verbose_name=_("随机种子"))
    size = column(verbose_name=_("抽取数量"))
    done = column(verbose_name=_("已核查"), empty_values=())
    inflated = column(verbose_name=_("发现虚报"), empty_values=())
    drawn_by = column(verbose_name=_("抽取人"), empty_values=())

    class Meta(Table.Meta):
        attrs = {"class": "grid", "id": "check-draw-table"}
        empty_text = _("还没有抽取过现场抽查清单。")

    def value_month(self, record):
        return f"{record.month:%Y-%m}"

    def render_month(self, record):
        url = reverse("alerts:check_draw", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, f"{record.month:%Y-%m}")

    def value_done(self, record):
        return record.done

    def value_inflated(self, record):
        return record.inflated

    def value_drawn_by(self, record):
        return str(record.drawn_by)

    render_done = value_done
    render_inflated = value_inflated
    render_drawn_by = value_drawn_by


class SiteCheckTable(Table):
    """The projects of one check list and what was found."""

    rank = column(verbose_name=_("序号"))
    project = column(verbose_name=_("项目"), empty_values=())
    unit = column(verbose_name=_("板块"), empty_values=())
    weight = column(verbose_name=_("权重"))
    reasons = column(verbose_name=_("抽中原因"), attrs=SMALL)
    reported_investment = column(verbose_name=_("抽取时月报投资（万元）"))
    status = column(verbose_name=_("结果"), empty_values=())
    found_investment = column(verbose_name=_("核实投资（万元）"))
    checked_by = column(verbose_name=_("核查人"), empty_values=())
    files = column(
        verbose_name=_("现场照片与资料"), empty_values=(), export_header="现场照片与资料"
    )
    record = column(verbose_name="", empty_values=(), exclude_from_export=True)

    class Meta(Table.Meta):
        attrs = {"class": "grid", "id": "site-check-table"}
        empty_text = _("清单为空。")

    def value_project(self, record):
        return record.project.name

    def value_unit(self, record):
        return record.project.unit.name

    def value_status(self, record):
        return gettext(record.get_status_display())

    def value_checked_by(self, record):
        return str(record.checked_by) if record.checked_by_id else ""

    render_unit = value_unit
    render_checked_by = value_checked_by

    def render_project(self, record):
        url = reverse("alerts:site_check", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record.project.name)

    def _files(self, record) -> list:
        # read for every check at once by the page (``attachments_by_owner``)
        return getattr(self, "files_by_check", {}).get(record.pk, [])

    def value_files(self, record):
        """Each file's name and size (the export lists them; the page counts them)."""
        return "；".join(
            f"{a.name}（{filesizeformat(a.size)}）".replace("\xa0", " ")
            for a in self._files(record)
        )

    def render_files(self, record):
        count = len(self._files(record))
        if not count:
            return ""
        url = reverse("alerts:site_check", args=[record.pk]) + "#attachments"
        return format_html('<a href="{}">{}</a>', url, gettext("%(n)s 个") % {"n": count})

    def render_status(self, record):
        text = gettext(record.get_status_display())
        if record.amended:
            return format_html("{}<br><small>{}</small>", text, gettext("已据此更正月报"))
        return text

    def render_reasons(self, record):
        return format_html_join("", "<div>{}</div>", ((r,) for r in record.reasons.splitlines()))

    def render_record(self, record):
        if record.status != SiteCheckStatus.PENDING or not getattr(self, "may_record", False):
            return ""
        url = reverse("alerts:site_check_record", args=[record.pk])
        return format_html('<a class="btn" href="{}">{}</a>', url, gettext("登记结果"))
