"""Settings for the test suite: Chorus's own settings in local mode, plus a test-only app.

DATABASE_URL chooses the database (SQLite by default; .ci/run sets PostgreSQL).
"""

import os
import tempfile

os.environ.setdefault("CHORUS_MODE", "local")
os.environ.setdefault("CHORUS_DATA_DIR", os.path.join(tempfile.gettempdir(), "chorus-test-data"))
os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-to-pass-the-check")

from chorus.settings import *  # noqa: F403
from chorus.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.accessapp"]
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "email", "analysis"],
    }
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CHORUS_BULLETIN_RATE = 0  # no pauses between batches in tests
