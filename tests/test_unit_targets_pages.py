"""板块目标 on the web: the targets page shows each target with the actual figure beside
it (hand-worked from the projects' dates), the city sets a target by form, and an import
of targets is all or nothing — a bad row gives a Chinese error, its row marked in the
error workbook, and nothing is written."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ballast.imports.models import ImportJob
from ballast.projects import services
from ballast.projects.models import UnitTarget

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def book(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def world(people, make_project, unit_a, unit_b, pinned_today, d):
    pinned_today(d(2023, 6, 30))
    # unit A: one signed in Q1, one signed in Q2 and started in May (50,000 万元)
    make_project(stages={"signed": d(2023, 1, 10)})
    make_project(
        stages={"signed": d(2023, 4, 5), "started": d(2023, 5, 1)},
        total_investment=Decimal("50000.00"),
    )
    admin = people["city_admin"]
    for period, indicator, value in (
        ("2023", "signed_count", 4),
        ("2023Q2", "signed_count", 2),
        ("2023", "started_investment", 200000),
        ("2023Q3", "signed_count", 3),
    ):
        services.target_set(user=admin, unit=unit_a, period=period, indicator=indicator,
                            value=Decimal(value))  # fmt: skip
    services.target_set(user=admin, unit=unit_b, period="2023", indicator="signed_count",
                        value=Decimal(5))  # fmt: skip


def _rows(response):
    return {
        (r.target.unit.code, r.target.period, r.target.indicator): r
        for r in response.context["table"].data.data
    }


@pytest.mark.django_db
def test_the_page_shows_the_actual_beside_each_target(client, people, world):
    client.force_login(people["city_admin"])
    response = client.get(reverse("dashboards:targets"))
    assert response.status_code == 200
    rows = _rows(response)
    year = rows[("321081", "2023", "signed_count")]
    # two signed in 2023 by 30 June against 4: 50%
    assert (year.actual, year.completion) == (2, Decimal("0.5"))
    quarter = rows[("321081", "2023Q2", "signed_count")]
    # one signed in Q2 (5 April) against 2: 50%
    assert (quarter.actual, quarter.completion) == (1, Decimal("0.5"))
    started = rows[("321081", "2023", "started_investment")]
    # 50,000 万元 started against 200,000: 25%
    assert (started.actual, started.completion) == (Decimal("50000.00"), Decimal("0.25"))
    later = rows[("321081", "2023Q3", "signed_count")]
    assert later.actual is None and later.as_of is None  # Q3 has not begun
    other = rows[("321084", "2023", "signed_count")]
    assert (other.actual, other.completion) == (0, Decimal("0"))
    html = response.content.decode()
    assert "50.0%" in html and "25.0%" in html and "未开始" in html

    # as of 31 March: the year's actual is one signing, the Q2 target not begun
    rows = _rows(client.get(reverse("dashboards:targets"), {"as_of": "2023-03-31"}))
    assert rows[("321081", "2023", "signed_count")].actual == 1
    assert rows[("321081", "2023Q2", "signed_count")].as_of is None

    export = client.get(reverse("dashboards:targets"), {"export": "csv", "unit": ""})
    text = export.content.decode("utf-8-sig")
    assert "板块,期间,指标,目标值,实际完成,完成率,统计截至" in text
    assert "仪征,2023Q2,新签约项目数,2,1,0.50,2023-06-30" in text
    assert "仪征,2023,新开工项目总投资（万元）,200000.00,50000.00,0.25,2023-06-30" in text
    assert "仪征,2023Q3,新签约项目数,3,,," in text


@pytest.mark.django_db
def test_a_unit_person_sees_their_units_targets_only(client, people, world):
    client.force_login(people["clerk_b"])
    rows = _rows(client.get(reverse("dashboards:targets")))
    assert set(rows) == {("321084", "2023", "signed_count")}
    assert b"/projects/targets/" not in client.get(reverse("dashboards:targets")).content


@pytest.mark.django_db
def test_only_the_city_sets_a_target_and_a_stale_form_is_refused(client, people, unit_a, world):
    client.force_login(people["clerk_a"])
    assert client.get(reverse("projects:target_create")).status_code == 403
    client.force_login(people["city_admin"])
    response = client.post(
        reverse("projects:target_create"),
        {"unit": unit_a.pk, "period": "2024q1", "indicator": "started_count", "value": "6",
         "version": "0"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    target = UnitTarget.objects.get(unit=unit_a, period="2024Q1", indicator="started_count")
    assert target.value == 6 and target.version == 1
    edit = reverse("projects:target_edit", args=[target.pk])
    client.post(edit, {"value": "7", "version": "1"})
    target.refresh_from_db()
    assert (target.value, target.version) == (7, 2)
    stale = client.post(edit, {"value": "9", "version": "1"})
    assert stale.status_code == 200
    assert "已被" in stale.content.decode() or "他人" in stale.content.decode()
    target.refresh_from_db()
    assert target.value == 7
    # a rate above 1 is refused in Chinese
    bad = client.post(
        reverse("projects:target_create"),
        {"unit": unit_a.pk, "period": "2024", "indicator": "landed_rate", "value": "70",
         "version": "0"},
    )  # fmt: skip
    assert "比率目标应在 0–1 之间" in bad.content.decode()
    # the history keeps every change with the acting person
    history = list(target.history.order_by("history_id"))
    assert [h.value for h in history] == [6, 7]
    assert {h.history_user for h in history} == {people["city_admin"]}


GOOD = [
    ["2023年板块目标", None, None, None],
    [" 板块 ", "期间", "指标", "目标值（万元）"],
    ["仪征", "2023年一季度", "新签约项目数", "３"],
    ["321084", "2023", "新开工项目总投资", "1.2亿元"],
    ["仪征市", " 2023 ", "当年签约项目落地率", "70%"],
]


def _upload(client, rows):
    return client.post(
        "/imports/",
        {"kind": "targets", "file": SimpleUploadedFile("目标.xlsx", book(rows), XLSX)},
    )


@pytest.mark.django_db
def test_an_import_with_a_bad_row_writes_nothing(client, people, unit_a):
    client.force_login(people["city_admin"])
    bad = [*GOOD, ["仪征", "2023年第五季度", "新签约项目数", 2], ["火星区", "2023", "签约", 1]]
    _upload(client, bad)
    job = ImportJob.objects.get()
    assert job.kind == "targets" and not job.may_apply
    messages = {e["row"]: e["message"] for e in job.errors}
    assert set(messages) == {6, 7}
    assert "不是年度或季度" in messages[6]
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "第 6 行“期间”列" in page and "火星区" in page
    errors = client.get(f"/imports/{job.pk}/errors.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(errors.content)).active
    assert "不是年度或季度" in sheet.cell(row=6, column=5).value
    assert sheet.cell(row=6, column=2).fill.fgColor.rgb.endswith("FFC7CE")
    client.post(f"/imports/{job.pk}/apply/")
    assert UnitTarget.objects.count() == 0

    _upload(client, GOOD)
    job = ImportJob.objects.order_by("-pk").first()
    assert job.errors == [] and job.counts["create"] == 3
    client.post(f"/imports/{job.pk}/apply/")
    job.refresh_from_db()
    assert job.status == "applied", job.errors
    got = {(t.unit.code, t.period, t.indicator): t.value for t in UnitTarget.objects.all()}
    assert got == {
        ("321081", "2023Q1", "signed_count"): Decimal("3"),
        ("321084", "2023", "started_investment"): Decimal("12000"),
        ("321081", "2023", "landed_rate"): Decimal("0.7"),
    }
    target = UnitTarget.objects.get(period="2023Q1")
    assert target.history.get().history_change_reason == "导入 目标.xlsx"

    # the same file again changes nothing; a changed value is an update
    _upload(client, [*GOOD[:2], ["仪征", "2023Q1", "新签约项目数", 4]])
    assert ImportJob.objects.order_by("-pk").first().counts["update"] == 1


@pytest.mark.django_db
def test_a_clerk_may_not_import_targets_and_the_template_downloads(client, people):
    client.force_login(people["clerk_a"])
    page = client.get("/imports/").content.decode()
    assert 'value="targets"' not in page
    # the kind is not among the clerk's choices: the form refuses it, nothing is kept
    refused = _upload(client, GOOD)
    assert refused.status_code == 200 and not ImportJob.objects.exists()
    template = client.get(reverse("imports:template", args=["targets"]))
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[2]] == ["板块", "期间", "指标", "目标值"]
