"""Settings for the test suite: the normal settings with tasks run at once."""

import os

os.environ["FUPIN_TESTING"] = "1"
os.environ.setdefault("FUPIN_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Jobs run inside the test's transaction; tests that need the heartbeat turn it on.
FUPIN_JOB_HEARTBEAT = False

# whitenoise warns on every request when STATIC_ROOT is missing; tests serve via finders.
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405
