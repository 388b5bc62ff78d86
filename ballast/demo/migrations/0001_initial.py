from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DemoBuild",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seed", models.IntegerField(verbose_name="随机种子")),
                ("today", models.DateField(verbose_name="构建基准日")),
                ("built_at", models.DateTimeField(auto_now_add=True, verbose_name="构建时间")),
                (
                    "project_count",
                    models.PositiveIntegerField(default=0, verbose_name="项目数"),
                ),
            ],
            options={
                "verbose_name": "演示数据构建记录",
                "verbose_name_plural": "演示数据构建记录",
            },
        ),
    ]
