"""Leads (招商线索), their contacts log and their steps — 接洽/洽谈, 终止, 签约 into a
project, the city's confidential mark and duplicate resolution — and the city's
channels, through ``attraction.services``."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ballast.accounts import policy
from ballast.api.idempotency import idempotent
from ballast.api.viewsets import ReadOnlyViewSet, WritableViewSet
from ballast.attraction import services
from ballast.attraction.api import serializers as s
from ballast.attraction.filtersets import LeadFilterSet
from ballast.attraction.models import (
    Campaign,
    CampaignRound,
    ChainLink,
    Channel,
    Lead,
    LeadContact,
    ReserveEntry,
    ReserveTier,
)
from ballast.attraction.selectors import LIVE_LEAD, duplicate_groups, round_ranking


class ChannelViewSet(ReadOnlyViewSet):
    """招商渠道：市里设定的渠道（产业链招商、基金招商、乡贤招商、驻点招商 …）。"""

    queryset = Channel.objects.order_by("city", "sort_order", "pk")
    serializer_class = s.ChannelSerializer


class LeadViewSet(WritableViewSet):
    """招商线索：板块看本板块的，市里看全部；登记、修改、推进、终止、签约转项目。"""

    queryset = Lead.objects.select_related("unit", "channel").order_by("unit__sort_order", "pk")
    serializer_class = s.LeadSerializer
    write_serializer_class = s.LeadWriteSerializer
    filterset_class = LeadFilterSet
    policy_actions = {
        "advance": policy.CHANGE,
        "terminate": policy.CHANGE,
        "sign": policy.CHANGE,
        "confidential": policy.CHANGE,
        "duplicates": policy.CHANGE,
        "resolve_duplicates": policy.CHANGE,
    }

    def get_serializer_class(self):
        return {
            "advance": s.AdvanceSerializer,
            "terminate": s.LeadTerminateSerializer,
            "sign": s.SignSerializer,
            "confidential": s.ConfidentialSerializer,
            "resolve_duplicates": s.DuplicateResolveSerializer,
            "duplicates": s.DuplicateSerializer,
        }.get(self.action) or super().get_serializer_class()

    def create_object(self, data):
        return services.lead_create(user=self.request.user, data=data)

    def update_object(self, obj, data, version):
        return services.lead_update(
            user=self.request.user, lead=obj, data=data, expected_version=version
        )

    def _done(self, lead):
        return self.object_response(Lead.objects.get(pk=lead.pk))

    @extend_schema(request=s.AdvanceSerializer, responses={200: s.LeadSerializer})
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """推进到接洽或洽谈（日期）。"""
        lead = self.get_object()
        data = self.validated(s.AdvanceSerializer)
        return self._done(
            services.lead_advance(user=request.user, lead=lead, stage=data["stage"], on=data["on"])
        )

    @extend_schema(request=s.LeadTerminateSerializer, responses={200: s.LeadSerializer})
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        """终止线索（日期、原因；“其他”须说明）。"""
        lead = self.get_object()
        data = self.validated(s.LeadTerminateSerializer)
        return self._done(
            services.lead_terminate(
                user=request.user,
                lead=lead,
                on=data["on"],
                reason=data["reason"],
                note=data["note"],
            )
        )

    @extend_schema(request=s.SignSerializer, responses={201: s.SignedSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """签约：线索转为项目（同一服务，在谈与签约阶段带日期），返回项目编号。"""
        lead = self.get_object()
        if not policy.may_do(request.user, "sign_leads"):
            raise exceptions.PermissionDenied("您没有签约转项目的权限。")
        data = self.validated(s.SignSerializer)
        project = services.lead_sign(
            user=request.user,
            lead=lead,
            on=data["on"],
            category=data["category"],
            level=data["level"],
            code=data["code"] or None,
        )
        return Response({"lead": lead.pk, "project": project.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ConfidentialSerializer, responses={200: s.LeadSerializer})
    @action(detail=True, methods=["post"])
    def confidential(self, request, pk=None):
        """市里标记（或取消）投资方保密。"""
        lead = self.get_object()
        if not policy.may_do(request.user, "mark_lead_confidential"):
            raise exceptions.PermissionDenied("只有市级管理员可以标记投资方保密。")
        data = self.validated(s.ConfidentialSerializer)
        return self._done(
            services.lead_mark_confidential(
                user=request.user, lead=lead, confidential=data["confidential"]
            )
        )

    @extend_schema(request=None, responses={200: s.DuplicateSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def duplicates(self, request, pk=None):
        """同一投资方、同一项目由其他板块登记的线索（市里处理重复线索时查看）。"""
        lead = self.get_object()
        if not policy.may_do(request.user, "resolve_lead_duplicates"):
            raise exceptions.PermissionDenied("只有市级管理员可以处理重复线索。")
        city = lead.unit.city or lead.unit
        found = []
        for group in duplicate_groups(city=city):
            if any(x.pk == lead.pk for x in group["leads"]):
                found = [x for x in group["leads"] if x.pk != lead.pk]
        for x in found:
            x.shown_investor = x.investor if policy.shows_lead_investor(request.user, x) else None
        return Response(s.DuplicateSerializer(found, many=True).data)

    @extend_schema(request=s.DuplicateResolveSerializer, responses={200: s.LeadSerializer})
    @action(detail=True, methods=["post"], url_path="resolve-duplicates")
    def resolve_duplicates(self, request, pk=None):
        """认定重复：保留本线索，其他线索并入（各自的对接记录与履历都保留）。"""
        keep = self.get_object()
        if not policy.may_do(request.user, "resolve_lead_duplicates"):
            raise exceptions.PermissionDenied("只有市级管理员可以认定重复线索。")
        data = self.validated(s.DuplicateResolveSerializer)
        others = list(
            Lead.objects.restrict(request.user, policy.CHANGE).filter(pk__in=data["others"])
        )
        if len(others) != len(set(data["others"])):
            raise exceptions.NotFound("并入的线索不存在或不在您的范围内。")
        try:
            services.duplicates_resolve(
                user=request.user, keep=keep, others=others, note=data["note"]
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return self._done(keep)


class ContactFilterSet(django_filters.FilterSet):
    class Meta:
        model = LeadContact
        fields = ("lead",)


class ContactViewSet(ReadOnlyViewSet):
    """对接记录：查看线索的对接记录，记录一次对接（首次对接使线索进入接洽）。"""

    queryset = LeadContact.objects.select_related("lead").order_by("-date", "-pk")
    serializer_class = s.ContactSerializer
    filterset_class = ContactFilterSet
    # Logging a contact changes the lead (the policy's CHANGE of the lead group).
    policy_actions = {"create": policy.CHANGE}

    @extend_schema(request=s.ContactSerializer, responses={201: s.ContactSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        """记录一次对接。"""
        data = dict(self.validated(s.ContactSerializer))
        lead = data.pop("lead")
        contact = services.contact_add(user=request.user, lead=lead, data=data)
        return self.object_response(contact, status.HTTP_201_CREATED)


class ChainLinkFilterSet(django_filters.FilterSet):
    class Meta:
        model = ChainLink
        fields = ("cluster", "segment")


class ChainLinkViewSet(ReadOnlyViewSet):
    """招商图谱：各产业集群的链节（上游/中游/下游）、链上项目数与线索数、目标企业、是否缺链。"""

    queryset = (
        ChainLink.objects.annotate(
            n_projects=Count("projects", distinct=True),
            n_leads=Count(
                "leads", filter=Q(leads__in=Lead.objects.filter(LIVE_LEAD)), distinct=True
            ),
        )
        .prefetch_related("targets", "projects")
        .order_by("cluster", "segment", "sort_order", "pk")
    )
    serializer_class = s.ChainLinkSerializer
    filterset_class = ChainLinkFilterSet


class ReserveTierViewSet(ReadOnlyViewSet):
    """储备库梯次：市里设定的梯次及进入条件（用地、立项备案、资金）。"""

    queryset = ReserveTier.objects.order_by("city", "order")
    serializer_class = s.ReserveTierSerializer


class ReserveEntryViewSet(ReadOnlyViewSet):
    """储备库：项目所在梯次；纳入或调整梯次（须满足梯次条件）。"""

    queryset = ReserveEntry.objects.select_related("project", "tier").order_by("-tier__order", "pk")
    serializer_class = s.ReserveEntrySerializer
    # Placing a project changes the project (the policy's CHANGE of the project group).
    policy_actions = {"create": policy.CHANGE}

    @extend_schema(request=s.ReserveEntrySerializer, responses={201: s.ReserveEntrySerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        """纳入储备库或调整梯次（项目、梯次、条件落实情况、入库日期）。"""
        data = self.validated(s.ReserveEntrySerializer)
        entry = services.reserve_place(
            user=request.user,
            project=data["project"],
            tier=data["tier"],
            land_ready=data.get("land_ready", False),
            filing_ready=data.get("filing_ready", False),
            funding_ready=data.get("funding_ready", False),
            on=data["entered_on"],
        )
        return self.object_response(entry, status.HTTP_201_CREATED)


class CampaignViewSet(ReadOnlyViewSet):
    """招商攻坚活动（百日攻坚、招商擂台赛）及其轮次、计分权重。"""

    queryset = Campaign.objects.prefetch_related("rounds").order_by("city", "-pk")
    serializer_class = s.CampaignSerializer


class CampaignRoundViewSet(ReadOnlyViewSet):
    """攻坚轮次；每轮排名（进位/退位）。"""

    queryset = CampaignRound.objects.select_related("campaign").order_by("campaign", "number")
    serializer_class = s.RoundSerializer

    @extend_schema(responses={200: s.RoundRankingRowSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def ranking(self, request, pk=None):
        """本轮各板块得分、名次与进位/退位。"""
        rnd = self.get_object()
        return Response(s.RoundRankingRowSerializer(round_ranking(rnd), many=True).data)
