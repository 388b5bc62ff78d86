from django.db import models


class RegionKind(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "设区市"
    DISTRICT = "district", "市辖区"
    COUNTY = "county", "县"
    COUNTY_CITY = "county_city", "县级市"
    PARK = "park", "园区/功能区"


COUNTY_LEVEL_KINDS = (
    RegionKind.DISTRICT,
    RegionKind.COUNTY,
    RegionKind.COUNTY_CITY,
    RegionKind.PARK,
)
