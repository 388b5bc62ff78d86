"""The database functions of ``ballast.core.db`` give the same answers on SQLite and
PostgreSQL (the suite runs on both)."""

from datetime import date

from ballast.core.db import IdIn, MonthStart
from ballast.projects.models import Project, StageEvent


def test_id_in_matches_exactly_the_given_ids(make_project):
    projects = [make_project(name=f"项目{n}") for n in range(5)]
    wanted = {projects[0].pk, projects[3].pk, projects[4].pk}
    found = set(Project.objects.filter(IdIn("pk", wanted)).values_list("pk", flat=True))
    assert found == wanted
    # Duplicates, another iterable, and ids that do not exist.
    assert set(
        Project.objects.filter(IdIn("pk", [projects[1].pk, projects[1].pk, 10**9])).values_list(
            "pk", flat=True
        )
    ) == {projects[1].pk}
    # No ids: nothing, and the negation: everything.
    assert not Project.objects.filter(IdIn("pk", [])).exists()
    assert Project.objects.exclude(IdIn("pk", [])).count() == 5
    assert set(Project.objects.exclude(IdIn("pk", wanted)).values_list("pk", flat=True)) == {
        projects[1].pk,
        projects[2].pk,
    }


def test_id_in_takes_thousands_of_ids_as_one_parameter(make_project):
    project = make_project(name="大量编号")
    ids = list(range(10**6, 10**6 + 40_000)) + [project.pk]
    queryset = Project.objects.filter(IdIn("pk", ids))
    _, params = queryset.query.get_compiler(using="default").as_sql()
    assert len(params) < 10  # the ids are one of them, not 40,001
    assert list(queryset.values_list("pk", flat=True)) == [project.pk]


def test_month_start_is_the_first_day_of_the_month(make_project):
    project = make_project(name="开工", stages={"started": date(2023, 2, 28)})
    row = (
        StageEvent.objects.filter(project=project, stage="started")
        .annotate(first=MonthStart("date"))
        .values_list("first", flat=True)
        .get()
    )
    assert row == date(2023, 2, 1)
