"""What the web pages keep of their own: a person's saved project filters."""

from django.conf import settings
from django.db import models


class SavedFilter(models.Model):
    """A named project-list filter a person saved (the query string of the list page).

    A personal preference, not project data: it carries no history and is seen only by
    its owner.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="saved_filters",
    )
    name = models.CharField("名称", max_length=64)
    querystring = models.CharField("筛选条件", max_length=1000, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "已保存的筛选"
        verbose_name_plural = "已保存的筛选"
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=("user", "name"), name="saved_filter_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
