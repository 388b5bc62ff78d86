"""A project stage named in the active language (the msgids, with the context "stage",
are marked in :mod:`ballast.web.labels`)."""

from django.utils.translation import gettext_noop, pgettext

from ballast.projects.choices import Stage
from ballast.web.labels import NO_STAGE, STAGE_CONTEXT


def stage_label(stage: str | None) -> str:
    """A stage's name in the active language; ``None``, "" or "none" is 未入库 (a value
    that is no stage is shown as it is)."""
    if not stage or stage == "none":
        return pgettext(STAGE_CONTEXT, NO_STAGE)
    if stage not in Stage.values:
        return stage
    return pgettext(STAGE_CONTEXT, Stage(stage).label)


def stage_choices() -> list[tuple[str, str]]:
    """("none", 未入库) and every stage, named in the active language."""
    return [("none", stage_label(None)), *((s.value, stage_label(s.value)) for s in Stage)]


# The delivery-confidence ratings (交付信心), named in the active language where shown.
CONFIDENCE_NAMES = (gettext_noop("绿"), gettext_noop("黄"), gettext_noop("红"))
