"""English for the imports' own choice labels, which the pages translate when they show
them (``{% translate job.get_status_display %}``): the msgids are marked here so that
``makemessages`` keeps them in this app's catalogue."""

from django.utils.translation import gettext_noop

LABELS = (
    # imports.ImportJob.Kind
    gettext_noop("项目台账"),
    gettext_noop("月度填报"),
    gettext_noop("亩均数据"),
    gettext_noop("板块目标"),
    # imports.ImportJob.Status
    gettext_noop("已上传"),
    gettext_noop("已预览"),
    gettext_noop("导入中"),
    gettext_noop("已导入"),
    gettext_noop("导入失败"),
    gettext_noop("导入中断"),
)
