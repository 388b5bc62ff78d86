from rest_framework import serializers

from ballast.imports.models import ImportJob
from ballast.imports.plan import ACTION_LABELS


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Excel 行号；0 为整个文件")
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()
    text = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    """An upload (导入任务): what it is, what its preview counted, its errors, its result."""

    errors = ImportErrorSerializer(many=True, read_only=True)
    may_apply = serializers.BooleanField(read_only=True)

    class Meta:
        model = ImportJob
        fields = (
            "id",
            "created_at",
            "kind",
            "filename",
            "file_size",
            "status",
            "layout",
            "sheet",
            "total_rows",
            "counts",
            "warnings",
            "errors",
            "may_apply",
            "background",
            "progress_done",
            "progress_total",
            "result",
            "finished_at",
        )
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    """A workbook (.xlsx) or .csv file of a project ledger, of monthly reports or of 亩均
    data."""

    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices)
    file = serializers.FileField()


class PreviewRowSerializer(serializers.Serializer):
    """One row of the plan: what applying would do with it, its changes and errors."""

    row = serializers.IntegerField()
    label = serializers.CharField(allow_blank=True)
    action = serializers.ChoiceField(choices=list(ACTION_LABELS.items()))
    changes = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(allow_blank=True)),
        help_text="[列, 原值, 新值]",
    )
    errors = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(allow_blank=True)),
        help_text="[列, 错误]",
    )


class ProgressSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ImportJob.Status.choices)
    status_label = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    finished = serializers.BooleanField()
    result = serializers.DictField()
    error_count = serializers.IntegerField()
