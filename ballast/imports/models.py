"""Web imports: an uploaded file, its preview and the result of applying it."""

from django.conf import settings
from django.db import models

from ballast.core.models import BallastModel
from ballast.core.validators import validate_plausible_date


class ImportJob(BallastModel):
    """One upload of a project ledger or of monthly reports through the web.

    The file and the previewed rows live in :class:`ImportFile` (kept out of the history
    tables: a 20 MB file is not copied on every status change). ``errors`` lists every
    row error; ``result`` what applying did.
    """

    class Kind(models.TextChoices):
        LEDGER = "ledger", "项目台账"
        REPORTS = "reports", "月度填报"
        MUJUN = "mujun", "亩均数据"
        TARGETS = "targets", "板块目标"

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "已上传"
        PLANNED = "planned", "已预览"
        APPLYING = "applying", "导入中"
        APPLIED = "applied", "已导入"
        FAILED = "failed", "导入失败"
        # The worker died mid-apply (server killed, restarted): its transaction rolled
        # back, nothing was written, and the user may apply again.
        INTERRUPTED = "interrupted", "导入中断"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    city = models.ForeignKey(
        "regions.Region", verbose_name="设区市", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "regions.Region",
        verbose_name="板块",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="板块人员导入时为其板块；市级导入为空",
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    filename = models.CharField("文件名", max_length=255)
    file_size = models.PositiveIntegerField("文件大小（字节）", default=0)
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.UPLOADED
    )
    layout = models.CharField("格式", max_length=8, blank=True)
    sheet = models.CharField("工作表", max_length=64, blank=True)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    counts = models.JSONField("预览统计", default=dict, blank=True)
    warnings = models.JSONField("提示", default=list, blank=True)
    errors = models.JSONField("错误清单", default=list, blank=True)
    background = models.BooleanField("后台执行", default=False)
    apply_requested_at = models.DateTimeField("申请导入时间", null=True, blank=True)
    progress_done = models.PositiveIntegerField("已处理行数", default=0)
    progress_total = models.PositiveIntegerField("待处理行数", default=0)
    result = models.JSONField("导入结果", default=dict, blank=True)
    # The worker's lease (租约): set when a worker claims the job and renewed by its
    # heartbeat while it applies. A job "导入中" whose lease ran out has lost its worker.
    lease_owner = models.CharField("租约持有者", max_length=32, blank=True)
    lease_expires_at = models.DateTimeField("租约到期时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    interrupted_at = models.DateTimeField("中断发现时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    access_group = "import"
    city_path = "city"
    # An upload holds a unit's data before it is checked: only its uploader sees it.
    owner_only = True
    owner_path = "user"

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("status", "apply_requested_at")),
            models.Index(fields=("status", "lease_expires_at")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def may_apply(self) -> bool:
        """Whether its user may (again) ask for it to be applied: a clean preview not yet
        applied, or an apply whose worker died (nothing of it was written)."""
        if self.errors or self.total_rows == 0:
            return False
        return self.status in (self.Status.PLANNED, self.Status.INTERRUPTED)

    def lease_expired(self, now) -> bool:
        """Whether the job is "导入中" but its worker's lease has run out (the worker died)."""
        return (
            self.status == self.Status.APPLYING
            and self.lease_expires_at is not None
            and self.lease_expires_at < now
        )

    @property
    def is_csv(self) -> bool:
        return self.filename.lower().endswith((".csv", ".txt"))


class ImportFile(models.Model):
    """The bytes of an upload and its previewed rows; reached only through its job.

    Bytes in the database (at most 20 MB, larger files are refused before this) so that
    applying re-reads exactly what was previewed and the annotated copy with an error
    column can be produced.
    """

    job = models.OneToOneField(
        ImportJob, verbose_name="导入任务", on_delete=models.CASCADE, related_name="upload"
    )
    data = models.BinaryField("文件内容")
    preview = models.JSONField("预览", default=list, blank=True)

    class Meta:
        verbose_name = "导入文件"
        verbose_name_plural = "导入文件"

    def __str__(self) -> str:
        return self.job.filename


class BureauList(BallastModel):
    """The statistics bureau's 入库 list (统计局入库清单) of a city as received on a date:
    the projects the bureau counts, with their 入库 date and amount. Imported whole or not
    at all (``imports.bureau``); compared with Ballast project by project."""

    city = models.ForeignKey(
        "regions.Region", verbose_name="设区市", on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField("清单日期", validators=[validate_plausible_date])
    filename = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("导入时间", auto_now_add=True)

    access_group = "spotcheck"
    city_path = "city"

    class Meta:
        verbose_name = "统计局入库清单"
        verbose_name_plural = "统计局入库清单"
        ordering = ("-received_on", "-pk")

    def __str__(self) -> str:
        return f"{self.city.name}统计局入库清单（{self.received_on:%Y-%m-%d}）"


class BureauEntry(BallastModel):
    """One project of a :class:`BureauList`, as the bureau wrote it."""

    bureau_list = models.ForeignKey(
        BureauList, verbose_name="清单", on_delete=models.CASCADE, related_name="entries"
    )
    row = models.PositiveIntegerField("行号")
    code = models.CharField("项目代码", max_length=64, blank=True)
    name = models.CharField("项目名称", max_length=200, blank=True)
    entered_on = models.DateField(
        "入库日期", null=True, blank=True, validators=[validate_plausible_date]
    )
    amount = models.DecimalField(
        "累计完成投资（万元）", max_digits=16, decimal_places=2, null=True, blank=True
    )

    access_group = "spotcheck"
    city_path = "bureau_list__city"

    class Meta:
        verbose_name = "统计局入库项目"
        verbose_name_plural = "统计局入库项目"
        ordering = ("bureau_list", "row")

    def __str__(self) -> str:
        return self.name or self.code
