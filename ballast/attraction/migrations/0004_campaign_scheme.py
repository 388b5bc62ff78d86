"""A campaign's scheme becomes an assessment scheme of the 攻坚轮次 kind (issue 15).

A campaign whose weights and cap were not the shipped ones gets a scheme of its own with
those weights (each indicator min(完成/目标, cap) × weight); the others keep none and are
scored by the shipped scheme (attraction/data/campaign_scheme.yaml), which has the old
default weights and cap."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

DEFAULT_WEIGHTS = {
    "signed_count": 25,
    "signed_amount_wan": 25,
    "over_1yi": 15,
    "over_10yi": 10,
    "over_50yi": 5,
    "foreign_usd_wan": 5,
    "new_starts": 15,
}
LABELS = {
    "signed_count": "新签约项目数",
    "signed_amount_wan": "新签约金额",
    "over_1yi": "亿元以上项目数",
    "over_10yi": "10亿元以上项目数",
    "over_50yi": "50亿元以上项目数",
    "foreign_usd_wan": "外资",
    "new_starts": "新开工项目数",
}


def weights_to_schemes(apps, schema_editor):
    Campaign = apps.get_model("attraction", "Campaign")
    Scheme = apps.get_model("assessments", "Scheme")
    Indicator = apps.get_model("assessments", "Indicator")
    for campaign in Campaign.objects.all():
        weights = {k: Decimal(str(v)) for k, v in (campaign.weights or {}).items() if v}
        cap = Decimal(campaign.completion_cap)
        default = {k: Decimal(v) for k, v in DEFAULT_WEIGHTS.items()}
        if weights == default and cap == Decimal("1.50"):
            continue
        scheme = Scheme.objects.create(
            city_id=campaign.city_id,
            name=f"{campaign.name}计分办法（{campaign.pk}）"[:64],
            slug=f"campaign-{campaign.pk}",
            period_kind="round",
            description="由活动原计分权重转换",
            active=True,
        )
        for order, (key, weight) in enumerate(weights.items(), start=1):
            if key in LABELS:
                Indicator.objects.create(
                    scheme=scheme,
                    order=order,
                    key=key,
                    label=LABELS[key],
                    weight=weight,
                    method="target_share",
                    params={"cap": str(cap)},
                )
        campaign.scheme = scheme
        campaign.save(update_fields=["scheme"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_campaign_round_period_kind"),
        ("attraction", "0003_campaigns_rounds_targets"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="scheme",
            field=models.ForeignKey(
                blank=True,
                help_text="考核方案中“攻坚轮次”类的方案；为空时按默认计分办法",
                limit_choices_to={"period_kind": "round"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="campaigns",
                to="assessments.scheme",
                verbose_name="计分方案",
            ),
        ),
        migrations.AddField(
            model_name="historicalcampaign",
            name="scheme",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="考核方案中“攻坚轮次”类的方案；为空时按默认计分办法",
                limit_choices_to={"period_kind": "round"},
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="assessments.scheme",
                verbose_name="计分方案",
            ),
        ),
        migrations.RunPython(weights_to_schemes, migrations.RunPython.noop),
        migrations.RemoveField(model_name="campaign", name="completion_cap"),
        migrations.RemoveField(model_name="campaign", name="weights"),
        migrations.RemoveField(model_name="historicalcampaign", name="completion_cap"),
        migrations.RemoveField(model_name="historicalcampaign", name="weights"),
    ]
