"""bin/backup.sh and bin/restore.sh, end to end on PostgreSQL: a filing with a document is committed, backed up, and
restored into another database and media folder, where the consortium is found and the document's file still has
the hash its row recorded."""

import hashlib
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from consortia.models import Document
from consortia.services import section_version, upload_document
from tests.factories import complete_filing, pdf_upload

ROOT = Path(__file__).resolve().parent.parent.parent

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql" or not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="backup and restore use pg_dump and pg_restore: run with DATABASE_URL=postgres://… and the client tools",
)


def url(settings_dict: dict, name: str) -> str:
    user = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
    return f"postgres://{user}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{name}"


@pytest.fixture
def restored_database():
    """The URL of an empty database of this test's own, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    maintenance = url(connection.settings_dict, "postgres")
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield url(connection.settings_dict, name)
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args, database_url: str, media: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": database_url, "PRIVATE_MEDIA_ROOT": str(media)}
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def script(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "bin" / args[0]), *map(str, args[1:])], capture_output=True, text=True)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_the_filing_and_its_document(demo_users, settings, tmp_path, restored_database):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    lead = demo_users["lead-a"]
    consortium = complete_filing(lead_user=lead, name="备份恢复测试创新联合体", seed=8200, document=False)
    document = upload_document(
        consortium_id=consortium.pk,
        actor=lead,
        kind=Document.Kind.FORMATION_AGREEMENT,
        uploaded_file=pdf_upload(),
        loaded_version=section_version(consortium, "documents").number,
    )

    backup = tmp_path / "backup"
    made = script(
        "backup.sh", url(connection.settings_dict, connection.settings_dict["NAME"]), settings.MEDIA_ROOT, backup
    )
    assert made.returncode == 0, made.stderr
    assert sorted(path.name for path in backup.iterdir()) == ["database.dump", "private-media.tar.gz"]

    restored_media = tmp_path / "restored-media"
    restored = script("restore.sh", backup, restored_database, restored_media)
    assert restored.returncode == 0, restored.stderr

    with psycopg.connect(restored_database) as database:
        name, status = database.execute(
            "SELECT name, status FROM consortia_consortium WHERE id = %s", [consortium.pk]
        ).fetchone()
        file_name, sha256, size = database.execute(
            "SELECT file, sha256, size FROM consortia_document WHERE id = %s", [document.pk]
        ).fetchone()
    assert (name, status) == ("备份恢复测试创新联合体", consortium.status)
    content = (restored_media / file_name).read_bytes()
    assert (hashlib.sha256(content).hexdigest(), len(content)) == (sha256, size) == (document.sha256, document.size)
    # The checks docs/operations.md tells the operator to run after a restore.
    migrations = manage("migrate", "--check", database_url=restored_database, media=restored_media)
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    verified = manage("verify_documents", database_url=restored_database, media=restored_media)
    assert verified.returncode == 0, verified.stderr
    assert "已检查 1 份文件：0 份缺失" in verified.stdout


def test_restore_refuses_a_media_folder_that_holds_files(tmp_path):
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "database.dump").write_bytes(b"")
    (backup / "private-media.tar.gz").write_bytes(b"")
    media = tmp_path / "media"
    media.mkdir()
    (media / "kept.pdf").write_bytes(b"%PDF")

    refused = script("restore.sh", backup, "postgres://127.0.0.1/never_used", media)

    assert refused.returncode == 2
    assert "not empty" in refused.stderr
    assert [path.name for path in media.iterdir()] == ["kept.pdf"]
