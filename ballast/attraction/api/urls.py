from rest_framework.routers import SimpleRouter

from ballast.attraction.api import views

router = SimpleRouter()
router.register("channels", views.ChannelViewSet, basename="channel")
router.register("leads", views.LeadViewSet, basename="lead")
router.register("lead-contacts", views.ContactViewSet, basename="leadcontact")
router.register("chain-links", views.ChainLinkViewSet, basename="chainlink")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("campaign-rounds", views.CampaignRoundViewSet, basename="campaignround")
router.register("reserve-tiers", views.ReserveTierViewSet, basename="reservetier")
router.register("reserve-entries", views.ReserveEntryViewSet, basename="reserveentry")
urlpatterns = router.urls
