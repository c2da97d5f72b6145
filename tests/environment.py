"""Loaded as a pytest plugin (`-p tests.environment`) before Django reads its settings.

Tasks queued by tests go to a file-system broker folder of the suite's own, emptied at each
start, never into the one `make run` works from; worker processes the tests start inherit it.
With Redis (CELERY_BROKER_URL set) the folder is not used.
"""

import os
import shutil
from pathlib import Path

_TEST_BROKER_DIR = Path(__file__).resolve().parent.parent / "var" / "celery-test"

if "CELERY_FILESYSTEM_DIR" not in os.environ:
    shutil.rmtree(_TEST_BROKER_DIR, ignore_errors=True)
    os.environ["CELERY_FILESYSTEM_DIR"] = str(_TEST_BROKER_DIR)
