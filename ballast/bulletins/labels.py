"""English for the bulletins' own choice labels, which the pages translate when they show
them (``{% translate b.get_status_display %}``): the msgids are marked here so that
``makemessages`` keeps them in this app's catalogue."""

from django.utils.translation import gettext_noop

LABELS = (
    # bulletins.Status
    gettext_noop("生成中"),
    gettext_noop("已发布"),
    gettext_noop("生成失败"),
    # bulletins.Kind
    gettext_noop("季度通报"),
    gettext_noop("半年通报"),
    gettext_noop("年度通报"),
    gettext_noop("攻坚轮次通报"),
)
