"""Issue 12 item 3: the city's own integrity thresholds (data, with history) and the
on-site check lists (抽查) — drawn reproducibly from a stored seed, results recorded, and a
check that finds inflation correcting the report by an amendment that names the check."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from ballast.alerts.choices import SiteCheckStatus
from ballast.alerts.integrity_services import (
    check_draw_create,
    site_check_record,
    thresholds_save,
)
from ballast.alerts.models import CheckDraw, IntegrityThreshold, SiteCheck
from ballast.figures.integrity import draw_checks, integrity, thresholds
from ballast.figures.selectors import accepted_reports
from ballast.reports.choices import ReportStatus
from ballast.reports.models import MonthlyReport

MARCH = date(2023, 3, 1)
AS_OF = date(2023, 4, 30)


@pytest.fixture
def march(make_project, unit_a, unit_b, d):
    """Six projects of two units, each with an accepted March report of 100 + 10 × i."""
    started = {"started": d(2023, 1, 5)}
    projects = [make_project(unit_a if i < 3 else unit_b, stages=started) for i in range(6)]
    MonthlyReport.objects.bulk_create(
        MonthlyReport(
            project=p,
            month=MARCH,
            investment=Decimal(100 + 10 * i),
            percent_complete=Decimal(40),
            status=ReportStatus.ACCEPTED,
        )
        for i, p in enumerate(projects)
    )
    return projects


# --------------------------------------------------------------------------- thresholds


def test_a_city_sets_its_own_threshold_kept_in_history_and_read_by_the_checks(city, people):
    admin = people["city_admin"]
    assert thresholds(city)["quarter_end_share_max"] == Decimal("0.50")
    thresholds_save(
        user=admin, city=city, values={"quarter_end_share_max": "0.40"}, reason="省里口径"
    )
    assert thresholds(city)["quarter_end_share_max"] == Decimal("0.40")
    assert integrity(city=city, year=2023, as_of=AS_OF)["thresholds"]["quarter_end_share_max"] == (
        Decimal("0.40")
    )
    # an integer threshold stays an integer
    thresholds_save(user=admin, city=city, values={"min_reports": 20}, reason="样本")
    assert thresholds(city)["min_reports"] == 20 and isinstance(
        thresholds(city)["min_reports"], int
    )
    # back to the default: the row goes, the history keeps all three changes
    thresholds_save(user=admin, city=city, values={"quarter_end_share_max": None}, reason="恢复")
    assert thresholds(city)["quarter_end_share_max"] == Decimal("0.50")
    history = IntegrityThreshold.history.filter(city_id=city.pk).order_by("history_id")
    assert [(h.key, h.history_type, h.history_user_id) for h in history] == [
        ("quarter_end_share_max", "+", admin.pk),
        ("min_reports", "+", admin.pk),
        ("quarter_end_share_max", "-", admin.pk),
    ]
    assert history[0].history_change_reason == "省里口径"


def test_threshold_errors_and_who_may_set_them(city, people):
    with pytest.raises(ValidationError) as exc:
        thresholds_save(user=people["city_admin"], city=city, values={"min_reports": "2.5"})
    assert "应为整数" in str(exc.value)
    with pytest.raises(ValidationError):
        thresholds_save(user=people["city_admin"], city=city, values={"nonsense": 1})
    for key in ("city_reviewer", "clerk_a", "city_leader"):
        with pytest.raises(PermissionDenied):
            thresholds_save(user=people[key], city=city, values={"spike_ratio": 3})
    assert not IntegrityThreshold.objects.exists()


def test_the_thresholds_page(city, people):
    client = Client()
    client.force_login(people["city_admin"])
    assert client.get("/integrity/thresholds/").status_code == 200
    response = client.post(
        "/integrity/thresholds/", {"spike_ratio": "3.0000", "reason": "会议决定"}
    )
    assert response.status_code == 302
    assert thresholds(city)["spike_ratio"] == Decimal("3")
    page = client.get("/integrity/thresholds/").content.decode()
    assert "会议决定" in page
    clerk = Client()
    clerk.force_login(people["clerk_a"])
    assert clerk.get("/integrity/thresholds/").status_code == 403


# --------------------------------------------------------------------------- draws


def test_the_same_seed_draws_the_same_list_and_the_list_is_stored_with_it(city, people, march):
    admin = people["city_admin"]
    first = draw_checks(city=city, month=MARCH, n=3, seed="2023-04-会议", as_of=AS_OF)
    again = draw_checks(city=city, month=MARCH, n=3, seed="2023-04-会议", as_of=AS_OF)
    assert first == again
    assert len(first) == 3
    other = [
        [d["project"] for d in draw_checks(city=city, month=MARCH, n=3, seed=s, as_of=AS_OF)]
        for s in ("1", "2", "3", "4")
    ]
    assert len({tuple(o) for o in other}) > 1  # the seed does decide

    draw = check_draw_create(
        user=admin, city=city, month=date(2023, 3, 17), size=3, seed="2023-04-会议", as_of=AS_OF
    )
    assert (draw.month, draw.seed, draw.size, draw.drawn_by) == (MARCH, "2023-04-会议", 3, admin)
    stored = list(draw.checks.order_by("rank").values_list("project_id", "weight"))
    assert stored == [(d["project"], d["weight"]) for d in first]
    check = draw.checks.get(rank=1)
    assert check.report.month == MARCH
    assert check.reported_investment == check.report.investment
    # the draw is recorded once a month per city
    with pytest.raises(ValidationError, match="已经抽取"):
        check_draw_create(user=admin, city=city, month=MARCH, size=3, seed="x", as_of=AS_OF)


def test_who_may_draw_and_bad_draws(city, people, march):
    for key in ("city_reviewer", "clerk_a", "city_leader"):
        with pytest.raises(PermissionDenied):
            check_draw_create(
                user=people[key], city=city, month=MARCH, size=2, seed="1", as_of=AS_OF
            )
    with pytest.raises(ValidationError) as exc:
        check_draw_create(
            user=people["city_admin"], city=city, month=MARCH, size=0, seed=" ", as_of=AS_OF
        )
    assert set(exc.value.message_dict) == {"seed", "size"}
    with pytest.raises(ValidationError, match="没有已验收的月报"):
        check_draw_create(
            user=people["city_admin"], city=city, month=date(2023, 2, 1), size=2, seed="1",
            as_of=AS_OF,
        )  # fmt: skip
    assert not CheckDraw.objects.exists()


# --------------------------------------------------------------------------- results


def _draw(city, people):
    return check_draw_create(
        user=people["city_admin"], city=city, month=MARCH, size=6, seed="s", as_of=AS_OF
    )


def test_a_check_that_finds_inflation_amends_the_report_and_the_figures_follow(city, people, march):
    draw = _draw(city, people)
    check = draw.checks.get(project=march[2])  # reported 120 万元 in March
    before = sum(r.investment for r in accepted_reports(as_of=AS_OF).filter(month=MARCH))
    assert before == Decimal(100 + 110 + 120 + 130 + 140 + 150)

    done = site_check_record(
        user=people["city_reviewer"],
        check=check,
        found_investment=Decimal("80"),
        percent_seen=Decimal("25"),
        notes="现场仅完成基础施工",
        checked_on=date(2023, 5, 10),
        expected_version=check.version,
    )
    assert done.status == SiteCheckStatus.INFLATED and done.amended
    assert done.checked_by == people["city_reviewer"]
    report = MonthlyReport.objects.get(pk=check.report_id)
    assert (report.investment, report.percent_complete) == (Decimal("80.00"), Decimal("25.00"))
    assert report.amendment_count == 1
    # the report's history says why, naming the check
    last = report.history.order_by("-history_id").first()
    assert last.history_user == people["city_reviewer"]
    assert last.history_change_reason.startswith(f"更正：2023年03月现场抽查第{check.rank}号")
    assert "核实2023年03月完成投资80.00万元（原报120.00万元）" in last.history_change_reason
    # the figures read the amended report: 40 万元 less
    after = sum(r.investment for r in accepted_reports(as_of=AS_OF).filter(month=MARCH))
    assert after == before - 40

    with pytest.raises(ValidationError, match="已登记"):
        site_check_record(
            user=people["city_admin"], check=done, found_investment=Decimal(1), notes="再",
            checked_on=date(2023, 5, 11),
        )  # fmt: skip


def test_a_check_that_confirms_the_report_changes_nothing(city, people, march):
    draw = _draw(city, people)
    check = draw.checks.get(project=march[0])
    done = site_check_record(
        user=people["city_admin"],
        check=check,
        found_investment=Decimal("100"),
        percent_seen=Decimal("45"),
        notes="属实",
        checked_on=date(2023, 5, 10),
    )
    assert done.status == SiteCheckStatus.CONFIRMED and not done.amended
    assert MonthlyReport.objects.get(pk=check.report_id).amendment_count == 0


def test_unit_people_neither_see_nor_record_checks(city, people, march):
    draw = _draw(city, people)
    check = draw.checks.first()
    for key in ("clerk_a", "reviewer_a"):
        assert not SiteCheck.objects.restrict(people[key]).exists()
        assert not CheckDraw.objects.restrict(people[key]).exists()
        with pytest.raises(PermissionDenied):
            site_check_record(
                user=people[key], check=check, found_investment=Decimal(1), notes="x",
                checked_on=date(2023, 5, 10),
            )  # fmt: skip
    # a leader reads them, records nothing
    assert SiteCheck.objects.restrict(people["city_leader"]).count() == 6
    with pytest.raises(PermissionDenied):
        site_check_record(
            user=people["city_leader"], check=check, found_investment=Decimal(1), notes="x",
            checked_on=date(2023, 5, 10),
        )  # fmt: skip


def test_the_pages_draw_list_and_record(city, people, march):
    admin = Client()
    admin.force_login(people["city_admin"])
    response = admin.post(
        "/integrity/checks/new/",
        {"month": "2023-03-05", "size": "2", "seed": "42", "as_of": "2023-04-30"},
    )
    draw = CheckDraw.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/integrity/checks/{draw.pk}/"
    assert "42" in admin.get("/integrity/checks/").content.decode()
    reviewer = Client()
    reviewer.force_login(people["city_reviewer"])
    page = reviewer.get(f"/integrity/checks/{draw.pk}/").content.decode()
    check = draw.checks.get(rank=1)
    assert f"/integrity/checks/item/{check.pk}/record/" in page
    response = reviewer.post(
        f"/integrity/checks/item/{check.pk}/record/",
        {
            "found_investment": "1.00",
            "checked_on": "2023-05-10",
            "notes": "基本未动工",
            "version": check.version,
        },
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == SiteCheckStatus.INFLATED
    assert MonthlyReport.objects.get(pk=check.report_id).investment == Decimal("1.00")
    export = admin.get("/integrity/checks/?export=csv").content.decode("utf-8-sig")
    assert "2023-03" in export and "42" in export
