"""``manage.py backup`` and ``manage.py restore``: a backup of a small city restored into
an EMPTY database (another SQLite file; on PostgreSQL another database made by the test)
gives the same figures for the city and each unit, the same history row for row and the
same uploaded files; a tampered, foreign or too-new archive and a non-empty target are
refused with a Chinese message, before anything is written."""

import io
import json
import os
import secrets
import subprocess
import sys
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from ballast.core import backup
from ballast.projects import services as ps
from ballast.projects.models import Project
from ballast.reports import services as rs
from ballast.reports.models import MonthlyReport

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = "2023-06-30"
MEDIA = {
    "reports/2023/03/现场照片.jpg": bytes(range(256)) * 64,
    "bulletins/2023Q1.docx": b"PK\x03\x04 a quarterly bulletin",
    "empty.txt": b"",
}


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    for name, data in MEDIA.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def small_city(make_project, people, unit_b, d):
    """Two units' projects with stages, plans, accepted reports and an amendment (so
    history holds creations, changes and a reason)."""
    admin = people["city_admin"]
    p1 = make_project(
        total_investment=Decimal("100000"),
        stages={"signed": d(2023, 1, 5), "landed": d(2023, 2, 1), "started": d(2023, 3, 10)},
    )
    p2 = make_project(total_investment=Decimal("50000"), stages={"started": d(2022, 6, 1)})
    p3 = make_project(unit_b, total_investment=Decimal("23400"), stages={"signed": d(2023, 3, 31)})
    ps.plan_save(user=admin, project=p1, year=2023, planned_investment=Decimal("800"))
    ps.plan_save(user=admin, project=p2, year=2023, planned_investment=Decimal("1200"))
    ps.plan_save(user=admin, project=p3, year=2023, planned_investment=Decimal("300"))
    for project, month, amount in (
        (p1, d(2023, 3, 1), "100"),
        (p2, d(2023, 1, 1), "120"),
        (p2, d(2023, 2, 1), "105.25"),
        (p3, d(2023, 4, 1), "30"),
    ):
        rs.report_record_accepted(
            user=admin,
            project=project,
            month=month,
            data={"investment": Decimal(amount)},
            reason="导入",
        )
    report = p2.reports.get(month=d(2023, 2, 1))
    rs.report_amend(
        user=admin, report=report, data={"investment": Decimal("110.50")}, reason="统计局核定更正"
    )
    return [p1, p2, p3]


def history_labels() -> list[str]:
    return sorted(
        m._meta.label
        for m in apps.get_models()
        if any(f.name == "history_id" for f in m._meta.fields)
    )


def figures_args():
    return [
        ["figures", "--unit", "321000", "--as-of", AS_OF, "--json"],
        ["figures", "--unit", "321000", "--all-units", "--as-of", AS_OF, "--json"],
    ]


def run_here(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def manage(*args, database_url: str, media_root: Path, var_dir: Path):
    """``manage.py`` in a fresh process against another database (as an operator runs it)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "BALLAST_VAR_DIR": str(var_dir),
        "BALLAST_MODE": "embedded",
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new, empty database of the engine under test; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"h6_restore_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    try:
        yield f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_backup(tmp_path) -> Path:
    out = tmp_path / "backups"
    out.mkdir(exist_ok=True)
    text = run_here("backup", "--out", str(out))
    assert "备份完成" in text
    (archive,) = out.glob("ballast-backup-*.tar.gz")
    return archive


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_restore_into_an_empty_database_gives_the_same_figures_history_and_files(
    small_city, media_root, tmp_path, empty_database
):
    archive = make_backup(tmp_path)
    assert archive.name.startswith(f"ballast-backup-{connection.vendor}-")
    assert archive.stat().st_mode & 0o077 == 0  # every password hash is in it: owner only

    manifest = backup.read_manifest(archive)
    assert manifest["format_version"] == backup.FORMAT_VERSION
    assert manifest["engine"] == connection.vendor
    assert manifest["ballast_version"] == backup.ballast_version()
    assert manifest["migrations"] == backup.applied_migrations()
    assert "imports.0002_import_job_lease" in manifest["migrations"]
    assert manifest["media_files"] == len(MEDIA)
    assert set(manifest["parts"]) == {manifest["database_part"]} | {
        f"media/{name}" for name in MEDIA
    }
    photo = manifest["parts"]["media/reports/2023/03/现场照片.jpg"]
    assert photo["size"] == 256 * 64
    assert len(photo["sha256"]) == 64

    figures_before = [json.loads(run_here(*args)) for args in figures_args()]
    assert figures_before[1]["321081"]["signed_cohort"]["count"] == 1  # real figures
    history_before = json.loads(run_here("dumpdata", *history_labels()))
    everything_before = json.loads(run_here("dumpdata"))
    assert Project.history.count() == 3 and MonthlyReport.history.count() > 4

    restored_media = tmp_path / "restored-media"
    where = {"database_url": empty_database, "media_root": restored_media, "var_dir": tmp_path}
    done = manage("restore", str(archive), **where)
    assert done.returncode == 0, done.stderr
    assert "恢复完成" in done.stdout and f"上传文件 {len(MEDIA)} 个" in done.stdout

    for args, before in zip(figures_args(), figures_before, strict=True):
        after = manage(*args, **where)
        assert after.returncode == 0, after.stderr
        assert json.loads(after.stdout) == before
    after = manage("dumpdata", *history_labels(), **where)
    history_after = json.loads(after.stdout)
    assert len(history_after) == len(history_before) > 0
    assert history_after == history_before  # same rows, same content, same order
    reasons = [r["fields"].get("history_change_reason") or "" for r in history_after]
    assert any("统计局核定更正" in reason for reason in reasons)  # the amendment's reason
    assert json.loads(manage("dumpdata", **where).stdout) == everything_before
    assert files_under(restored_media) == MEDIA

    # the restored database is no longer empty: a second restore is refused
    again = manage("restore", str(archive), **where)
    assert again.returncode != 0
    assert "要恢复到的数据库不是空的" in again.stderr and "--force" in again.stderr


def rewrite(archive: Path, tmp_path: Path, *, manifest=None, replace=None, extra=None) -> Path:
    """A copy of ``archive`` with its manifest, one member's bytes, or one more member
    changed (as an attacker or a broken disk would)."""
    copy = tmp_path / f"changed-{secrets.token_hex(3)}.tar.gz"
    with tarfile.open(archive, "r:*") as source, tarfile.open(copy, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == backup.MANIFEST and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
            if replace and member.name == replace[0]:
                data = replace[1]
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
        if extra:
            info = tarfile.TarInfo(extra[0])
            info.size = len(extra[1])
            target.addfile(info, io.BytesIO(extra[1]))
    return copy


def refused(archive: Path, *, force: bool = True) -> str:
    """Restore ``archive`` over the live test database, which must survive untouched."""
    count = Project.objects.count()
    args = ["restore", str(archive)] + (["--force"] if force else [])
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=io.StringIO())
    assert Project.objects.count() == count
    return str(caught.value)


def test_a_non_empty_target_is_refused_without_force(small_city, media_root, tmp_path):
    archive = make_backup(tmp_path)
    message = refused(archive, force=False)
    assert "要恢复到的数据库不是空的" in message and "--force" in message
    assert files_under(media_root) == MEDIA


def test_an_empty_database_with_files_in_media_is_refused_without_force(
    small_city, media_root, tmp_path, empty_database
):
    archive = make_backup(tmp_path)
    busy = tmp_path / "busy-media"
    busy.mkdir()
    (busy / "keep.txt").write_text("不要覆盖")
    where = {"database_url": empty_database, "media_root": busy, "var_dir": tmp_path}
    result = manage("restore", str(archive), **where)
    assert result.returncode != 0 and "上传文件目录" in result.stderr
    assert (busy / "keep.txt").read_text() == "不要覆盖"


def test_a_tampered_part_is_refused_before_anything_is_written(small_city, media_root, tmp_path):
    archive = make_backup(tmp_path)
    name = "media/reports/2023/03/现场照片.jpg"
    changed = rewrite(archive, tmp_path, replace=(name, b"x" * (256 * 64)))
    assert f"“{name}”的校验值与清单不符" in refused(changed)
    manifest = backup.read_manifest(archive)
    part = manifest["database_part"]
    truncated = rewrite(archive, tmp_path, replace=(part, b"not a database"))
    assert f"“{part}”的大小与清单不符" in refused(truncated)
    size = manifest["parts"][part]["size"]
    same_size = rewrite(archive, tmp_path, replace=(part, b"\0" * size))
    assert f"“{part}”的校验值与清单不符" in refused(same_size)
    assert files_under(media_root) == MEDIA


def test_an_unlisted_member_or_a_missing_part_is_refused(small_city, media_root, tmp_path):
    archive = make_backup(tmp_path)
    extra = rewrite(archive, tmp_path, extra=("media/evil.sh", b"rm -rf /"))
    assert "清单以外" in refused(extra)

    def more_parts(m):
        m["parts"]["media/lost.jpg"] = {"size": 1, "sha256": "0" * 64}
        return m

    assert "缺少清单所列的“media/lost.jpg”" in refused(
        rewrite(archive, tmp_path, manifest=more_parts)
    )

    def escape(m):
        m["parts"]["../../etc/passwd"] = {"size": 1, "sha256": "0" * 64}
        return m

    assert "文件列表无效" in refused(rewrite(archive, tmp_path, manifest=escape))


def test_a_backup_newer_than_the_code_is_refused(small_city, media_root, tmp_path):
    archive = make_backup(tmp_path)

    def newer(m):
        m["migrations"].append("projects.9999_from_the_future")
        m["ballast_version"] = "9.0.0"
        return m

    message = refused(rewrite(archive, tmp_path, manifest=newer))
    assert "备份中的数据库结构比当前程序新" in message
    assert "projects.9999_from_the_future" in message and "9.0.0" in message


def test_an_older_backup_restores_and_asks_for_migrate(
    small_city, media_root, tmp_path, empty_database
):
    archive = make_backup(tmp_path)
    older = backup.read_manifest(archive)["migrations"]
    assert "imports.0002_import_job_lease" in older
    # an archive whose manifest says one migration had not yet been applied
    changed = rewrite(
        archive,
        tmp_path,
        manifest=lambda m: {
            **m,
            "migrations": [x for x in m["migrations"] if x != "imports.0002_import_job_lease"],
        },
    )
    where = {"database_url": empty_database, "media_root": tmp_path / "m2", "var_dir": tmp_path}
    result = manage("restore", str(changed), **where)
    assert result.returncode == 0, result.stderr
    assert "请执行 python manage.py migrate" in result.stdout


def test_a_backup_of_another_engine_or_format_is_refused(small_city, media_root, tmp_path):
    archive = make_backup(tmp_path)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    foreign = rewrite(archive, tmp_path, manifest=lambda m: {**m, "engine": other})
    assert f"该备份来自 {other} 数据库" in refused(foreign)
    future = rewrite(archive, tmp_path, manifest=lambda m: {**m, "format_version": 2})
    assert "备份格式版本 2" in refused(future)
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"\x1f\x8b this is not an archive")
    assert "无法读取备份文件" in refused(not_a_backup)
    assert "找不到备份文件" in refused(tmp_path / "missing.tar.gz")


def test_keep_deletes_all_but_the_newest_backups(small_city, media_root, tmp_path):
    out = tmp_path / "backups"
    out.mkdir()
    # older archives of both engines (a city that moved from SQLite to PostgreSQL)
    for name in (
        "ballast-backup-postgresql-20230101-010000.tar.gz",
        "ballast-backup-sqlite-20230102-010000.tar.gz",
        "ballast-backup-postgresql-20230103-010000.tar.gz",
        "ballast-backup-sqlite-20230104-010000.tar.gz",
    ):
        (out / name).write_bytes(b"old")
    (out / "notes.txt").write_text("not a backup")
    text = run_here("backup", "--out", str(out), "--keep", "2")
    assert text.count("已删除较早的备份") == 3
    left = sorted(p.name for p in out.iterdir())
    assert len(left) == 3 and "notes.txt" in left
    assert "ballast-backup-sqlite-20230104-010000.tar.gz" in left
    (new,) = set(left) - {"notes.txt", "ballast-backup-sqlite-20230104-010000.tar.gz"}
    assert backup.read_manifest(out / new)["engine"] == connection.vendor
    with pytest.raises(CommandError, match="不存在"):
        call_command("backup", "--out", str(tmp_path / "no" / "such.tar.gz"), stdout=io.StringIO())


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL only"
)
def test_pg_dump_of_another_major_version_is_refused(city, media_root, tmp_path, monkeypatch):
    server = backup.server_major_version()
    monkeypatch.setattr(backup, "tool_major_version", lambda path: server - 1)
    with pytest.raises(CommandError) as caught:
        call_command("backup", "--out", str(tmp_path), stdout=io.StringIO())
    message = str(caught.value)
    assert f"pg_dump 的主版本（{server - 1}）与数据库服务器的主版本（{server}）不一致" in message
    assert f"postgresql-client-{server}" in message
    assert not list(tmp_path.glob("ballast-backup-*"))

    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(CommandError, match="找不到 pg_dump"):
        call_command("backup", "--out", str(tmp_path), stdout=io.StringIO())
