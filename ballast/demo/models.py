"""The marker of a built demo city (演示城市构建记录).

``load_demo --reset`` wipes every domain row, so it only runs on a database that carries
this marker (or holds no projects at all): a database with real data is never wiped.
"""

from django.db import models


class DemoBuild(models.Model):
    """One build of the demo city: the seed and the day it was built for."""

    seed = models.IntegerField("随机种子")
    today = models.DateField("构建基准日")
    built_at = models.DateTimeField("构建时间", auto_now_add=True)
    project_count = models.PositiveIntegerField("项目数", default=0)

    class Meta:
        verbose_name = "演示数据构建记录"
        verbose_name_plural = "演示数据构建记录"

    def __str__(self) -> str:
        return f"演示城市 seed={self.seed} today={self.today}"
