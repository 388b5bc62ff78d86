"""The integrity page's unit rows (数据质量与防虚报), written once for the page and its
export (``ballast.web.tables``). Rows are the ``units`` of ``figures.integrity``."""

from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
