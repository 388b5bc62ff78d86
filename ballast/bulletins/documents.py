"""The round bulletin's part of a campaign round's page (registered in
``attraction.documents`` from this app's ``ready()``: the round page belongs to a layer
below): the published bulletin the person may read, and whether they may publish it."""

from __future__ import annotations

from ballast.accounts import policy
from ballast.bulletins.models import Bulletin
from ballast.bulletins.selectors import published_bulletins


def round_bulletin_panel(*, user, rnd) -> dict:
    bulletin = published_bulletins(user=user).filter(campaign_round=rnd).first()
    return {
        "round_bulletin": bulletin,
        "may_publish_round_bulletin": bulletin is None and policy.may(user, policy.ADD, Bulletin),
    }
