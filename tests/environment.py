"""Loaded as a pytest plugin (`-p tests.environment`) before Django reads its settings.

Each test run gets files of its own, so two runs in one checkout never share them: the SQLite
test database (`var/test-db-<run>.sqlite3`, named through TEST_DATABASE_SUFFIX) and the
file-system broker folder that tasks queued by tests go to (`var/celery-test-<run>`), never the
one `make run` works from. Worker processes the tests start inherit both. With Redis
(CELERY_BROKER_URL set) the folder is not used. Folders left by runs that were killed are
removed at the next start.
"""

import atexit
import os
import shutil
from pathlib import Path

_VAR = Path(__file__).resolve().parent.parent / "var"
_RUN = str(os.getpid())


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


for _old in _VAR.glob("celery-test-*"):
    if not _alive(_old.name.rsplit("-", 1)[-1]):
        shutil.rmtree(_old, ignore_errors=True)

os.environ.setdefault("TEST_DATABASE_SUFFIX", _RUN)
if "CELERY_FILESYSTEM_DIR" not in os.environ:
    _broker = _VAR / f"celery-test-{_RUN}"
    os.environ["CELERY_FILESYSTEM_DIR"] = str(_broker)
    atexit.register(shutil.rmtree, _broker, ignore_errors=True)

# The tests run the platform simulator (and its command) whatever DJANGO_DEBUG says.
os.environ.setdefault("SIMULATOR_ENABLED", "true")

# Thousands of API requests as the same few users within a minute: rates far above what any
# test sends, so no test is throttled by accident (the throttling test sets its own rates).
os.environ.setdefault("API_THROTTLE_ANON", "1000000/min")
os.environ.setdefault("API_THROTTLE_USER", "1000000/min")
