"""Finding the units, regions, clusters and projects a file's rows name."""

from __future__ import annotations

from collections import defaultdict

from ballast.accounts import policy
from ballast.imports.cells import CellProblem, compact, name_key
from ballast.projects.models import IndustryCluster, Project
from ballast.regions.models import Region, within


def _by_names(regions) -> dict[str, list]:
    found = defaultdict(list)
    for region in regions:
        for text in {region.code, region.name, region.short_name}:
            if text:
                found[name_key(text)].append(region)
    return found


class Lookups:
    """The units and projects in the importing user's reach, loaded once per file."""

    def __init__(self, user, *, write_model=Project, write_action=policy.ADD):
        self.user = user
        units = Region.objects.filter(is_assessment_unit=True)
        if not user.is_superuser:
            root = policy.scope_root(user)
            units = units.filter(within("", root)) if root is not None else units.none()
        self.units = list(units)
        self.units_by_key = _by_names(self.units)
        self.writable_unit_ids = set(
            policy.units_for(user, write_action, write_model).values_list("id", flat=True)
        )
        self.city_ids = {u.city_id for u in self.units}
        self._districts: dict[int, dict] = {}
        self._clusters: dict[int, dict] = {}
        self.projects_by_code: dict[str, Project] = {}
        self.projects_by_name: dict[tuple[int, str], list[Project]] = defaultdict(list)

    def unit(self, value) -> Region:
        key = name_key(compact(value))
        found = self.units_by_key.get(key, [])
        if not found:
            raise CellProblem(f"找不到板块“{compact(value)}”（可填板块代码、名称或简称）。")
        if len(found) > 1:
            raise CellProblem(f"“{compact(value)}”对应多个板块，请填写板块代码。")
        return found[0]

    def district(self, value, *, city_id: int) -> Region:
        if city_id not in self._districts:
            regions = Region.objects.get(pk=city_id).subtree().exclude(pk=city_id)
            self._districts[city_id] = _by_names(regions)
        found = self._districts[city_id].get(name_key(compact(value)), [])
        if len(found) != 1:
            raise CellProblem(f"在本市找不到行政区“{compact(value)}”。")
        return found[0]

    def cluster(self, value, *, city_id: int) -> IndustryCluster:
        if city_id not in self._clusters:
            found = defaultdict(list)
            for cluster in IndustryCluster.objects.filter(city_id=city_id):
                for text in {cluster.code, cluster.name}:
                    found[name_key(text)].append(cluster)
            self._clusters[city_id] = found
        found = self._clusters[city_id].get(name_key(value), [])
        if len(found) != 1:
            raise CellProblem(f"本市没有名为“{str(value).strip()}”的产业集群。")
        return found[0]

    def load_projects(self, *, codes, unit_ids) -> None:
        """Projects with the file's codes (anywhere, to tell a code used elsewhere) and the
        projects of the file's units (to match by name)."""
        codes = sorted({c for c in codes if c})
        queryset = Project.objects.select_related("unit", "district", "cluster", "parent")
        shared: dict = {}

        def kept(project):
            # One instance per region and cluster for all the projects (a select_related
            # row makes its own copy for each project: the memory of a large file).
            cache = project._state.fields_cache
            for name in ("unit", "district", "cluster"):
                related = cache.get(name)
                if related is not None:
                    cache[name] = shared.setdefault((type(related), related.pk), related)
            return project

        for start in range(0, len(codes), 500):
            for project in queryset.filter(code__in=codes[start : start + 500]):
                self.projects_by_code[project.code] = kept(project)
        for project in queryset.filter(unit_id__in=list(unit_ids)).iterator(chunk_size=2000):
            if project.code in self.projects_by_code:  # loaded above: the same row
                project = self.projects_by_code[project.code]
            else:
                project = kept(project)
            if project.code:
                self.projects_by_code.setdefault(project.code, project)
            self.projects_by_name[(project.unit_id, name_key(project.name))].append(project)

    def loaded_project_ids(self) -> set[int]:
        ids = {p.pk for p in self.projects_by_code.values()}
        return ids | {p.pk for ps in self.projects_by_name.values() for p in ps}

    def find_project(self, *, code: str, name: str, unit) -> Project | None:
        """By project code, else by name within the unit. Raises CellProblem when the name
        is ambiguous or the code and the name point at different projects."""
        if code and code in self.projects_by_code:
            return self.projects_by_code[code]
        if name and unit is not None:
            found = self.projects_by_name.get((unit.id, name_key(name)), [])
            if len(found) > 1:
                raise CellProblem(
                    f"板块“{unit}”中有 {len(found)} 个名为“{name}”的项目，请填写项目代码区分。"
                )
            if found:
                project = found[0]
                if code and project.code and project.code != code:
                    raise CellProblem(
                        f"板块“{unit}”中同名项目的项目代码是 {project.code}，与本行的 {code} 不一致。"
                    )
                return project
        return None

    def find_by_name_anywhere(self, name: str) -> list[Project]:
        key = name_key(name)
        return [p for (unit_id, k), ps in self.projects_by_name.items() if k == key for p in ps]


class ProjectIndex:
    """Which project a ledger row names, without loading the projects: the ids, codes and
    units of the projects with the file's codes (anywhere, to tell a code used elsewhere)
    and of the projects of the file's units (to match by name), in a few bytes each.
    :meth:`find` answers as :meth:`Lookups.find_project` does, with the project's id; the
    planner loads the projects a chunk of rows names."""

    def __init__(self, *, codes, unit_ids):
        self.by_code: dict[str, int] = {}
        # unit id → name key → id, or (id, code) when it has a code; a list when several
        self.by_name: dict[int, dict] = defaultdict(dict)
        codes = sorted({c for c in codes if c})
        fields = ("pk", "code", "unit_id", "name")
        for start in range(0, len(codes), 500):
            for pk, code, _unit_id, _name in Project.objects.filter(
                code__in=codes[start : start + 500]
            ).values_list(*fields):
                self.by_code[code] = pk
        for pk, code, unit_id, name in (
            Project.objects.filter(unit_id__in=list(unit_ids))
            .values_list(*fields)
            .iterator(chunk_size=2000)
        ):
            if code:
                self.by_code.setdefault(code, pk)
            names = self.by_name[unit_id]
            key = name_key(name)
            entry = (pk, code) if code else pk
            found = names.get(key)
            if found is None:
                names[key] = entry
            elif isinstance(found, list):
                found.append(entry)
            else:
                names[key] = [found, entry]

    def find(self, *, code: str, name: str, unit) -> int | None:
        """The id of the project by code, else by name within the unit. Raises CellProblem
        when the name is ambiguous or the code and the name point at different projects."""
        if code and code in self.by_code:
            return self.by_code[code]
        if name and unit is not None:
            found = self.by_name.get(unit.id, {}).get(name_key(name))
            if isinstance(found, list):
                raise CellProblem(
                    f"板块“{unit}”中有 {len(found)} 个名为“{name}”的项目，请填写项目代码区分。"
                )
            if found is not None:
                pk, project_code = found if isinstance(found, tuple) else (found, "")
                if code and project_code and project_code != code:
                    raise CellProblem(
                        f"板块“{unit}”中同名项目的项目代码是 {project_code}，与本行的 {code} 不一致。"
                    )
                return pk
        return None
