"""Maintained figures facts on PostgreSQL (ballast/figures/sql/facts.sql): the fact tables,
the triggers that keep them in the writing transaction, their first fill. Nothing on
SQLite (the embedded mode computes the figures from scratch)."""

from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parent.parent / "sql" / "facts.sql"

DROP = """
DROP TRIGGER IF EXISTS figures_report_write ON reports_monthlyreport;
DROP TRIGGER IF EXISTS figures_report_update ON reports_monthlyreport;
DROP TRIGGER IF EXISTS figures_plan_write ON projects_annualplan;
DROP TRIGGER IF EXISTS figures_plan_update ON projects_annualplan;
DROP TRIGGER IF EXISTS figures_event_write ON projects_stageevent;
DROP TRIGGER IF EXISTS figures_event_update ON projects_stageevent;
DROP TRIGGER IF EXISTS figures_project_update ON projects_project;
DROP TABLE IF EXISTS figures_unit_month, figures_unit_month_stage;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:  # no parameters: '%' is literal
        cursor.execute(SQL.read_text())
        cursor.execute("SELECT figures_rebuild()")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_node_templates_and_node_person"),
        ("regions", "0003_backfill_region_path"),
        ("reports", "0004_report_version"),
    ]

    operations = [migrations.RunPython(install, remove, elidable=False)]
