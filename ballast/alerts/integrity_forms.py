"""Forms of the integrity pages: the city's thresholds, the month's on-site check draw
(抽查) and one check's result. The rules live in ``alerts.integrity_services``."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ballast.attachments.forms import MultipleFileField
from ballast.figures.integrity import DEFAULTS
from ballast.web.forms import DATE

# The Chinese name of each threshold of ``figures.integrity.DEFAULTS``.
THRESHOLD_LABELS = {
    "quarter_end_share_max": _("季末月占比上限"),
    "spike_ratio": _("季末冲高倍数"),
    "amendment_rate_max": _("更正率上限"),
    "return_rate_max": _("退回率上限"),
    "min_reports": _("更正率、退回率的最少月报份数"),
    "benford_min_sample": _("首位数字检验最少样本"),
    "last_digit_min_sample": _("末位数字检验最少样本"),
    "benford_chi2_critical": _("首位数字检验卡方临界值"),
    "last_digit_chi2_critical": _("末位数字检验卡方临界值"),
    "unstarted_share_max": _("未开工可报占总投资上限"),
    "unlisted_share_max": _("未列统可报占总投资上限"),
    "progress_gap_max": _("累计投资超出工程完成比例的上限"),
    "bureau_amount_gap_max": _("与统计局入库清单金额差异的容许比例"),
}


class ThresholdsForm(forms.Form):
    """One field per threshold; empty means the default."""

    def __init__(self, *args, current: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        for key, default in DEFAULTS.items():
            self.fields[key] = forms.DecimalField(
                label=THRESHOLD_LABELS.get(key, key),
                required=False,
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=4,
                initial=current.get(key),
                help_text=_("默认 %(value)s；留空即用默认值") % {"value": default},
            )
        self.fields["reason"] = forms.CharField(label=_("修改原因"), max_length=200)


class CheckDrawForm(forms.Form):
    month = forms.DateField(label=_("抽查月份"), widget=DATE, help_text=_("该月任一天"))
    size = forms.IntegerField(label=_("抽取数量"), min_value=1, max_value=200, initial=10)
    seed = forms.CharField(
        label=_("随机种子"),
        max_length=64,
        help_text=_("如会议上当场摇出的号码；同一种子抽出同一清单"),
    )
    as_of = forms.DateField(label=_("风险提示截至"), widget=DATE)


class SiteCheckForm(forms.Form):
    found_investment = forms.DecimalField(
        label=_("核实当月完成投资（万元）"), min_value=Decimal(0), max_digits=16, decimal_places=2
    )
    percent_seen = forms.DecimalField(
        label=_("核实工程完成比例（%）"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
    )
    checked_on = forms.DateField(label=_("核查日期"), widget=DATE)
    notes = forms.CharField(label=_("核查情况"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(
        label=_("现场照片与资料（可多选）"),
        required=False,
        help_text=_("照片、PDF 或 Office 文档，与结果一同保存；照片按本市规定去除定位信息。"),
    )
