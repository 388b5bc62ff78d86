"""Fill the materialised path and depth of the regions that existed before them."""

from django.db import migrations


def backfill(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    level = list(Region.objects.filter(parent__isnull=True))
    for region in level:
        region.path, region.depth = region.code, 0
    depth = 0
    while level:
        Region.objects.bulk_update(level, ["path", "depth"])
        parents = {region.pk: region for region in level}
        depth += 1
        level = list(Region.objects.filter(parent_id__in=list(parents)))
        for region in level:
            region.path = f"{parents[region.parent_id].path}/{region.code}"
            region.depth = depth


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0002_region_path"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
