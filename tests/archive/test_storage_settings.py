"""The archive storage is chosen by the environment: the filesystem under MEDIA_ROOT, or S3 through django-storages.

No S3 service can run here, so the S3 case checks the wiring a deploy relies on: the backend Django builds from
the environment, with the bucket, endpoint and prefix, private objects and no overwriting."""

from __future__ import annotations

import json

from tests.ingest.conftest import _database_url
from tests.test_settings import _manage

SHOW = (
    "from django.core.files.storage import storages; s = storages['archive']; import json; "
    "print(json.dumps({'cls': type(s).__module__ + '.' + type(s).__name__, 'location': str(s.location), "
    "'bucket': getattr(s, 'bucket_name', None), 'endpoint': getattr(s, 'endpoint_url', None), "
    "'acl': getattr(s, 'default_acl', None), 'overwrite': getattr(s, 'file_overwrite', None)}))"
)


def _archive_storage(**env: str) -> dict:
    # This suite's database named, so manage.py does not start the embedded one (the command reads no table).
    result = _manage("shell", "-c", SHOW, DATABASE_URL=_database_url(), **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_default_is_the_filesystem_under_media_root(tmp_path):
    shown = _archive_storage(DJANGO_MEDIA_ROOT=str(tmp_path))
    assert shown["cls"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert shown["location"] == str(tmp_path / "archive")


def test_a_bucket_in_the_environment_selects_s3():
    shown = _archive_storage(
        ARCHIVE_S3_BUCKET="newsroom-archive",
        ARCHIVE_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        ARCHIVE_S3_ACCESS_KEY_ID="id",
        ARCHIVE_S3_SECRET_ACCESS_KEY="secret",
    )
    assert shown == {
        "cls": "storages.backends.s3.S3Storage",
        "location": "archive",
        "bucket": "newsroom-archive",
        "endpoint": "http://127.0.0.1:9000",
        "acl": "private",
        "overwrite": False,
    }
