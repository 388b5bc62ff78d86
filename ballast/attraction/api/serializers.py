from rest_framework import serializers

from ballast.api.serializers import ScopedModelSerializer
from ballast.attraction.choices import ADVANCE_STAGES, LeadTerminationReason
from ballast.attraction.models import (
    Campaign,
    CampaignRound,
    ChainLink,
    Channel,
    Lead,
    LeadContact,
    ReserveEntry,
    ReserveTier,
    TargetEnterprise,
)
from ballast.attraction.services import CONTACT_FIELDS, LEAD_FIELDS
from ballast.projects.choices import Category, Level

READ_ONLY = ("id", "created_at", "updated_at")
LEAD_KEPT = (
    "stage",
    "contacted_on",
    "negotiating_on",
    "signed_on",
    "terminated_on",
    "termination_reason",
    "termination_note",
    "confidential",
    "duplicate_of",
    "duplicate_note",
    "project",
)


class ChannelSerializer(ScopedModelSerializer):
    class Meta:
        model = Channel
        fields = (*READ_ONLY, "city", "code", "name", "sort_order", "is_active")
        read_only_fields = fields


class LeadSerializer(ScopedModelSerializer):
    """A lead as the API shows it (money in 万元, foreign capital in 万美元, as strings)."""

    # blank until the lead is terminated (a choice of LeadTerminationReason then)
    termination_reason = serializers.CharField(read_only=True)

    class Meta:
        model = Lead
        fields = (*READ_ONLY, "version", *LEAD_FIELDS, *LEAD_KEPT)
        read_only_fields = fields


class LeadWriteSerializer(ScopedModelSerializer):
    """The fields a lead form may set (``attraction.services.LEAD_FIELDS``)."""

    class Meta:
        model = Lead
        fields = LEAD_FIELDS


class ContactSerializer(ScopedModelSerializer):
    class Meta:
        model = LeadContact
        fields = (*READ_ONLY, "lead", *CONTACT_FIELDS)
        read_only_fields = READ_ONLY


class AdvanceSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=ADVANCE_STAGES)
    on = serializers.DateField()


class LeadTerminateSerializer(serializers.Serializer):
    on = serializers.DateField()
    reason = serializers.ChoiceField(choices=LeadTerminationReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class SignSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="签约日期")
    category = serializers.ChoiceField(choices=Category.choices, default=Category.INDUSTRIAL)
    level = serializers.ChoiceField(choices=Level.choices, default=Level.UNIT)
    code = serializers.CharField(required=False, allow_blank=True, default="", max_length=24)


class SignedSerializer(serializers.Serializer):
    lead = serializers.IntegerField()
    project = serializers.IntegerField()


class ConfidentialSerializer(serializers.Serializer):
    confidential = serializers.BooleanField()


class DuplicateResolveSerializer(serializers.Serializer):
    others = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    note = serializers.CharField(max_length=500)


class DuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.code")
    project_name = serializers.CharField()
    investor = serializers.CharField(source="shown_investor", allow_null=True)
    stage = serializers.CharField()
    info_on = serializers.DateField()


class TargetSerializer(ScopedModelSerializer):
    class Meta:
        model = TargetEnterprise
        fields = ("id", "name", "note")
        read_only_fields = fields


class ChainLinkSerializer(ScopedModelSerializer):
    """A link of a cluster's chain map; ``is_gap``: no project and no live lead."""

    targets = TargetSerializer(many=True, read_only=True)
    n_projects = serializers.IntegerField(read_only=True)
    n_leads = serializers.IntegerField(read_only=True)
    is_gap = serializers.SerializerMethodField()

    class Meta:
        model = ChainLink
        fields = (
            *READ_ONLY, "cluster", "segment", "name", "sort_order", "projects",
            "targets", "n_projects", "n_leads", "is_gap",
        )  # fmt: skip
        read_only_fields = fields

    def get_is_gap(self, link) -> bool:
        return link.n_projects == 0 and link.n_leads == 0


class ReserveTierSerializer(ScopedModelSerializer):
    class Meta:
        model = ReserveTier
        fields = (
            *READ_ONLY,
            "city",
            "code",
            "name",
            "order",
            "needs_land",
            "needs_filing",
            "needs_funding",
        )
        read_only_fields = fields


class ReserveEntrySerializer(ScopedModelSerializer):
    class Meta:
        model = ReserveEntry
        fields = (
            *READ_ONLY,
            "project",
            "tier",
            "land_ready",
            "filing_ready",
            "funding_ready",
            "entered_on",
        )
        read_only_fields = READ_ONLY


class RoundSerializer(ScopedModelSerializer):
    class Meta:
        model = CampaignRound
        fields = (*READ_ONLY, "campaign", "number", "start", "end")
        read_only_fields = fields


class CampaignSerializer(ScopedModelSerializer):
    rounds = RoundSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = (*READ_ONLY, "city", "name", "kind", "scheme", "rounds")
        read_only_fields = fields


class RoundIndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.DecimalField(max_digits=8, decimal_places=2)
    actual = serializers.DecimalField(max_digits=16, decimal_places=2)
    target = serializers.DecimalField(max_digits=16, decimal_places=2)
    points = serializers.DecimalField(max_digits=8, decimal_places=2)


class RoundRankingRowSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.display_name")
    rank = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=8, decimal_places=2)
    moved = serializers.IntegerField(allow_null=True, help_text="进位(+)/退位(-)，首轮为空")
    indicators = RoundIndicatorSerializer(many=True, help_text="按活动计分方案逐项得分")
