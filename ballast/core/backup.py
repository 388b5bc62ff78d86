"""Backup and restore of an installation: its database and its uploaded files (备份与恢复).

One archive (``ballast-backup-<engine>-<time>.tar.gz``) holds

- the database: on SQLite a copy made with the online backup API
  (``sqlite3.Connection.backup``, consistent while the application runs); on PostgreSQL a
  ``pg_dump --format=custom`` dump (one snapshot, consistent while the application runs);
- the uploaded files, the tree under ``MEDIA_ROOT``, as ``media/…``;
- ``manifest.json``: the format version, Ballast's version, the database engine and
  server version, the migrations applied, when it was made, and the size and sha256 of
  every part.

A restore reads the manifest, refuses an archive of another format or engine, one whose
migrations are newer than the code, any part missing, unlisted or with a wrong checksum,
and a target database (or media directory) that is not empty unless forced; only then it
writes the database (``sqlite3`` backup API / ``pg_restore`` in one transaction) and the
files. Every refusal is a :class:`BackupError` with a Chinese message.

The management commands ``backup`` and ``restore`` are thin doors into
:func:`create_backup` and :func:`restore_backup`; ``docs/backup.md`` is the operator's
guide (schedules, retention, off-site copies, the restore drill).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "ballast-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_PARTS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ARCHIVE_PREFIX = "ballast-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; the message (Chinese) says why and what
    to do. Nothing was written to the target when a restore raises it."""


@dataclass
class RestoreResult:
    """What a restore did: the manifest it restored, and the migrations the code has that
    the backup had not applied (``manage.py migrate`` brings the database up to date)."""

    manifest: dict
    media_files: int = 0
    pending_migrations: list[str] = field(default_factory=list)


# --- small helpers --------------------------------------------------------------------------


def ballast_version() -> str:
    try:
        return metadata.version("ballast")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source checkout not installed
        return "unknown"


def engine_of(using: str = "default") -> str:
    """``sqlite`` or ``postgresql``; other engines have no backup here."""
    vendor = connections[using].vendor
    if vendor not in DATABASE_PARTS:
        raise BackupError(f"不支持备份 {vendor} 数据库，只支持 SQLite 与 PostgreSQL。")
    return vendor


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def applied_migrations(using: str = "default") -> list[str]:
    """``app.name`` of every migration applied to the database, sorted."""
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def code_migrations() -> set[str]:
    """``app.name`` of every migration the code has (and the ones it replaces)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    for migration in loader.disk_migrations.values():
        known.update(f"{app}.{name}" for app, name in migration.replaces)
    return known


def _is_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name


# --- PostgreSQL client tools ------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The path of ``pg_dump`` / ``pg_restore`` found on PATH."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"找不到 {name}：请安装与数据库服务器同一主版本的 PostgreSQL 客户端"
            f"（如 postgresql-client-15），并把它所在的目录加入 PATH。"
        )
    return path


def tool_major_version(path: str) -> int:
    """The major version of a PostgreSQL client tool (``pg_dump (PostgreSQL) 15.2`` → 15)."""
    out = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        [path, "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    if match is None:
        raise BackupError(f"无法识别 {path} 的版本（输出：{out.strip() or '无'}）。")
    return int(match.group(1))


def server_major_version(using: str = "default") -> int:
    connection = connections[using]
    connection.ensure_connection()
    return connection.pg_version // 10000


def checked_pg_tool(name: str, using: str = "default") -> str:
    """``name`` on PATH, refused unless its major version is the server's: a newer
    pg_dump writes dumps an older pg_restore cannot read, an older one refuses a newer
    server."""
    path = pg_tool(name)
    tool, server = tool_major_version(path), server_major_version(using)
    if tool != server:
        raise BackupError(
            f"{name} 的主版本（{tool}）与数据库服务器的主版本（{server}）不一致。"
            f"请安装 PostgreSQL {server} 的客户端（如 postgresql-client-{server}），"
            f"并让 PATH 中先找到它的 {name}。"
        )
    return path


def _pg_env(using: str) -> dict[str, str]:
    """Connection parameters for the client tools, in their environment variables (the
    password never on a command line)."""
    settings = connections[using].settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    options = settings.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _run_pg(args: list[str], *, using: str, what: str) -> None:
    result = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        args, capture_output=True, text=True, env=_pg_env(using), check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{what}失败（退出码 {result.returncode}）：" + "；".join(detail))


# --- backup --------------------------------------------------------------------------------


def _dump_database(engine: str, target: Path, using: str) -> dict:
    """Write the database to ``target``; returns what the manifest says of the server."""
    connection = connections[using]
    if engine == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            # The online backup API: a consistent copy while others go on writing.
            connection.connection.backup(destination)
        finally:
            destination.close()
        return {"server_version": sqlite3.sqlite_version}
    pg_dump = checked_pg_tool("pg_dump", using)
    _run_pg(
        [
            pg_dump,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            connection.settings_dict["NAME"],
        ],
        using=using,
        what="pg_dump 导出数据库",
    )
    return {"server_version": str(connection.pg_version)}


def _migrations_in_copy(engine: str, copy: Path, using: str) -> list[str]:
    if engine == "sqlite":
        # From the copy itself, so the manifest describes exactly what was saved.
        with sqlite3.connect(copy) as db:
            rows = db.execute("SELECT app, name FROM django_migrations").fetchall()
        return sorted(f"{app}.{name}" for app, name in rows)
    return applied_migrations(using)


class _HashingReader:
    """A file read into the archive, hashed as it is read (one pass over the bytes)."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _media_files(media_root: Path) -> list[tuple[Path, str]]:
    """Every regular file under ``media_root`` with its archive name, in a stable order
    (links are not followed: a link could reach outside the tree)."""
    if not media_root.is_dir():
        return []
    found = []
    for path in sorted(media_root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        found.append((path, MEDIA_PREFIX + path.relative_to(media_root).as_posix()))
    return found


def archive_name(engine: str, now: datetime) -> str:
    return f"{ARCHIVE_PREFIX}{engine}-{now:%Y%m%d-%H%M%S}{ARCHIVE_SUFFIX}"


def create_backup(*, out: Path, media_root: Path, now: datetime, using: str = "default") -> Path:
    """Back up the database ``using`` and the files under ``media_root`` into one archive.

    ``out`` is a directory (the archive is named after the engine and ``now``) or the
    archive's path. The archive is written beside its final name and renamed when
    complete, readable by its owner only (it holds every account's password hash)."""
    engine = engine_of(using)
    out = Path(out)
    target = out / archive_name(engine, now) if out.is_dir() else out
    if not target.parent.is_dir():
        raise BackupError(f"备份目录 {target.parent} 不存在，请先创建。")
    media_root = Path(media_root)
    with tempfile.TemporaryDirectory(prefix=".ballast-backup-", dir=target.parent) as work:
        database = Path(work) / DATABASE_PARTS[engine]
        server = _dump_database(engine, database, using)
        parts = {database.name: {"size": database.stat().st_size, "sha256": sha256_of(database)}}
        handle, partial = tempfile.mkstemp(prefix=".partial-", suffix=".tar.gz", dir=target.parent)
        os.close(handle)
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                tar.add(database, arcname=database.name, recursive=False)
                for path, name in _media_files(media_root):
                    info = tar.gettarinfo(path, arcname=name)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    with open(path, "rb") as source:
                        reader = _HashingReader(source)
                        tar.addfile(info, reader)
                    parts[name] = {"size": info.size, "sha256": reader.digest.hexdigest()}
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "ballast_version": ballast_version(),
                    "engine": engine,
                    **server,
                    "database_part": database.name,
                    "created_at": now.isoformat(),
                    "migrations": _migrations_in_copy(engine, database, using),
                    "media_files": len(parts) - 1,
                    "parts": parts,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(now.timestamp())
                info.mode = 0o600
                tar.addfile(info, _BytesReader(data))
            os.chmod(partial, 0o600)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return target


class _BytesReader:
    def __init__(self, data: bytes):
        self.data = data
        self.at = 0

    def read(self, size=-1):
        end = len(self.data) if size is None or size < 0 else self.at + size
        chunk = self.data[self.at : end]
        self.at += len(chunk)
        return chunk


ARCHIVE_NAME = re.compile(
    re.escape(ARCHIVE_PREFIX) + r"(?:sqlite|postgresql)-(\d{8}-\d{6})" + re.escape(ARCHIVE_SUFFIX)
)


def prune_backups(directory: Path, *, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest archives of ``directory`` (by the time in their
    names, whatever the engine); other files are left alone. Returns those deleted."""
    archives = []
    for path in Path(directory).iterdir():
        match = ARCHIVE_NAME.fullmatch(path.name)
        if match and path.is_file() and not path.is_symlink():
            archives.append((match.group(1), path.name, path))
    archives.sort()
    old = [path for _, _, path in archives[:-keep]] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


# --- restore -------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def read_manifest(archive: Path) -> dict:
    """The archive's manifest, checked for its format (not yet its parts)."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            member = tar.getmember(MANIFEST)
            manifest = json.loads(tar.extractfile(member).read().decode())
    except FileNotFoundError as exc:
        raise BackupError(f"找不到备份文件 {archive}。") from exc
    except KeyError as exc:
        raise BackupError(
            "备份文件中没有清单 manifest.json：不是 Ballast 的备份，或已损坏。"
        ) from exc
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(
            f"无法读取备份文件 {archive}：文件已损坏或不是备份归档（{exc}）。"
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError("备份清单 manifest.json 无法解析：备份文件已损坏。") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("备份清单不是 Ballast 备份的清单。")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"备份格式版本 {manifest.get('format_version')} 与当前程序支持的版本 "
            f"{FORMAT_VERSION} 不同，请使用生成该备份的 Ballast 版本"
            f"（{manifest.get('ballast_version', '未知')}）恢复。"
        )
    parts = manifest.get("parts")
    database = manifest.get("database_part")
    if (
        not isinstance(parts, dict)
        or database not in DATABASE_PARTS.values()
        or database not in parts
        or not all(
            _safe_name(name)
            and (name == database or name.startswith(MEDIA_PREFIX))
            and isinstance(part, dict)
            for name, part in parts.items()
        )
    ):
        raise BackupError("备份清单中的文件列表无效：备份文件已损坏。")
    return manifest


def _check_migrations(manifest: dict) -> list[str]:
    """Refuse a backup whose schema is newer than the code; return the code's migrations
    the backup has not applied (the restored database then needs ``migrate``)."""
    known = code_migrations()
    applied = set(manifest.get("migrations") or [])
    unknown = sorted(applied - known)
    if unknown:
        shown = "、".join(unknown[:5]) + (f" 等 {len(unknown)} 项" if len(unknown) > 5 else "")
        raise BackupError(
            f"备份中的数据库结构比当前程序新：迁移 {shown} 在当前版本中不存在。"
            f"请先把 Ballast 升级到生成该备份的版本（{manifest.get('ballast_version', '未知')}）"
            "或更新的版本，再恢复。"
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(
        f"{app}.{name}"
        for (app, name), migration in loader.graph.nodes.items()
        if f"{app}.{name}" not in applied
        and not (migration.replaces and all(f"{a}.{n}" in applied for a, n in migration.replaces))
    )


def _extract_verified(archive: Path, manifest: dict, staging: Path) -> None:
    """Extract every part listed in the manifest into ``staging``, checking sizes and
    sha256; refuse anything missing, extra, or not a plain file."""
    parts = manifest["parts"]
    seen: set[str] = set()
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if member.name not in parts or not member.isfile() or member.name in seen:
                    raise BackupError(
                        f"备份文件中有清单以外或重复的内容“{member.name}”：备份文件已被改动，不能恢复。"
                    )
                seen.add(member.name)
                expected = parts[member.name]
                if member.size != expected.get("size"):
                    raise BackupError(
                        f"“{member.name}”的大小与清单不符：备份文件已损坏或被改动，不能恢复。"
                    )
                destination = staging / member.name
                destination.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                source = tar.extractfile(member)
                with open(destination, "wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                if size != expected.get("size") or digest.hexdigest() != expected.get("sha256"):
                    raise BackupError(
                        f"“{member.name}”的校验值与清单不符：备份文件已损坏或被改动，不能恢复。"
                    )
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"读取备份文件时出错：文件已损坏（{exc}）。") from exc
    missing = sorted(set(parts) - seen)
    if missing:
        raise BackupError(
            f"备份文件中缺少清单所列的“{missing[0]}”等 {len(missing)} 个部分，不能恢复。"
        )


def _database_tables(using: str) -> list[str]:
    connection = connections[using]
    try:
        with connection.cursor() as cursor:
            return connection.introspection.table_names(cursor)
    except Exception as exc:
        raise BackupError(
            f"无法连接要恢复到的数据库“{connection.settings_dict.get('NAME')}”：{exc}。"
            "请先创建一个空数据库（PostgreSQL：createdb），并检查 DATABASE_URL。"
        ) from exc


def _media_is_empty(media_root: Path) -> bool:
    return not media_root.exists() or not any(media_root.iterdir())


def _restore_sqlite(copy: Path, using: str) -> None:
    connection = connections[using]
    name = str(connection.settings_dict["NAME"])
    if _is_memory(name):
        raise BackupError(
            "要恢复到的 SQLite 数据库是内存数据库，无法恢复；请在 DATABASE_URL 中指定数据库文件。"
        )
    connection.close()
    source = sqlite3.connect(copy)
    destination = sqlite3.connect(name)
    try:
        # Page by page into the target, replacing all it held, in one step for readers.
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def _restore_postgresql(dump: Path, using: str, force: bool) -> None:
    connection = connections[using]
    pg_restore = checked_pg_tool("pg_restore", using)
    connection.close()
    args = [
        pg_restore,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",  # all or nothing
    ]
    if force:
        args += ["--clean", "--if-exists"]
    args += [f"--dbname={connection.settings_dict['NAME']}", str(dump)]
    _run_pg(args, using=using, what="pg_restore 恢复数据库")


def _restore_media(staged: Path, media_root: Path) -> int:
    """Put the staged ``media/`` tree in place of ``media_root``'s content."""
    count = sum(1 for p in staged.rglob("*") if p.is_file()) if staged.is_dir() else 0
    media_root.mkdir(parents=True, exist_ok=True)
    for child in list(media_root.iterdir()):
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if staged.is_dir():
        for child in staged.iterdir():
            shutil.move(str(child), str(media_root / child.name))
    return count


def restore_backup(
    *, archive: Path, media_root: Path, using: str = "default", force: bool = False
) -> RestoreResult:
    """Restore ``archive`` into the database ``using`` and ``media_root``.

    Everything is checked before anything is written: the manifest, the engine, the
    migrations (newer than the code → refused), every part's size and sha256, and that
    the target database and media directory are empty (unless ``force``: then they are
    replaced)."""
    archive = Path(archive)
    media_root = Path(media_root)
    manifest = read_manifest(archive)
    engine = engine_of(using)
    if manifest.get("engine") != engine:
        raise BackupError(
            f"该备份来自 {manifest.get('engine')} 数据库，不能恢复到 {engine} 数据库；"
            "请恢复到同类数据库。"
        )
    pending = _check_migrations(manifest)
    if not force:
        tables = _database_tables(using)
        if tables:
            raise BackupError(
                f"要恢复到的数据库不是空的（已有 {len(tables)} 张表）。请恢复到新建的空数据库；"
                "确需覆盖现有数据时加 --force。"
            )
        if not _media_is_empty(media_root):
            raise BackupError(
                f"上传文件目录 {media_root} 不是空的。请恢复到空目录；确需覆盖时加 --force。"
            )
    staging_parent = media_root.parent if media_root.parent.is_dir() else None
    with tempfile.TemporaryDirectory(prefix=".ballast-restore-", dir=staging_parent) as work:
        staging = Path(work)
        _extract_verified(archive, manifest, staging)
        database = staging / manifest["database_part"]
        if engine == "sqlite":
            _restore_sqlite(database, using)
        else:
            _restore_postgresql(database, using, force)
        count = _restore_media(staging / MEDIA_PREFIX.rstrip("/"), media_root)
    return RestoreResult(manifest=manifest, media_files=count, pending_migrations=pending)
