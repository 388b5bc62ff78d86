from rest_framework import serializers

from ballast.regions.models import Region


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ("id", "code", "name", "short_name", "kind", "parent", "is_assessment_unit")
