from rest_framework import serializers

from ballast.regions.models import Region


class RegionSerializer(serializers.ModelSerializer):
    """A region of the tree at any depth: ``path`` is the codes from the root (e.g.
    ``320000/321000/321081``), ``depth`` 0 for a province."""

    class Meta:
        model = Region
        fields = (
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "parent",
            "is_assessment_unit",
            "path",
            "depth",
        )
        read_only_fields = fields
