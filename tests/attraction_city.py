"""A small hand-built attraction city for the attraction tests: two channels and helpers
to make leads through the services."""

from datetime import date
from decimal import Decimal

from ballast.attraction import services
from ballast.attraction.models import Channel


def channels(city):
    return {
        "chain": Channel.objects.create(city=city, code="chain", name="产业链招商", sort_order=1),
        "fund": Channel.objects.create(city=city, code="fund", name="基金招商", sort_order=2),
    }


def lead(user, unit, channel, **fields):
    data = {
        "unit": unit,
        "investor": "扬州新能源有限公司",
        "project_name": "年产10GW光伏组件项目",
        "amount": Decimal("120000"),
        "channel": channel,
        "info_on": date(2026, 1, 5),
    }
    data.update(fields)
    return services.lead_create(user=user, data=data)


def signed(user, unit, channel, on, amount, name, **fields):
    """A lead of ``unit`` contacted on 3 January and signed on ``on`` (the project)."""
    x = lead(
        user,
        unit,
        channel,
        project_name=name,
        amount=Decimal(amount),
        info_on=date(2026, 1, 2),
        **fields,
    )
    services.contact_add(
        user=user,
        lead=x,
        data={"date": date(2026, 1, 3), "ours": "甲", "theirs": "乙", "content": "谈"},
    )
    return services.lead_sign(user=user, lead=x, on=on)
