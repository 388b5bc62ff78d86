"""English for the alerts' own choice labels, which the pages translate when they show
them (``gettext(check.get_status_display())``): the msgids are marked here so that
``makemessages`` keeps them in this app's catalogue."""

from django.utils.translation import gettext_noop

LABELS = (
    # alerts.SiteCheckStatus (现场抽查)
    gettext_noop("待核查"),
    gettext_noop("核查属实"),
    gettext_noop("发现虚报"),
)
