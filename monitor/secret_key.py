"""The deployment's secret for keyed fingerprints of personal data (never stored in the DB).

``load_secret_key()`` returns, in order of preference:

1. ``MONITOR_SECRET_KEY`` from the environment (UTF-8 bytes of its value);
2. the key file ``secret.key`` in the user's config folder
   (``platformdirs.user_config_dir("doxxing-monitor")``, or ``MONITOR_CONFIG_DIR``),
   created on first use with 32 random bytes (hex) and owner-only permissions (0600).

Fingerprints are HMAC-SHA256(key, normalised value): unsalted hashes of ID numbers can be
brute-forced in minutes, keyed ones cannot without the key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from platformdirs import user_config_dir

ENV_KEY = "MONITOR_SECRET_KEY"
ENV_CONFIG_DIR = "MONITOR_CONFIG_DIR"
APP_NAME = "doxxing-monitor"
KEY_FILE = "secret.key"


def config_dir() -> Path:
    """The user's config folder for the monitor (``MONITOR_CONFIG_DIR`` overrides it)."""
    override = os.environ.get(ENV_CONFIG_DIR)
    return Path(override) if override else Path(user_config_dir(APP_NAME))


def key_path() -> Path:
    return config_dir() / KEY_FILE


def load_secret_key() -> bytes:
    """The fingerprint key (see module docs); creates the key file on first use."""
    env = os.environ.get(ENV_KEY)
    if env:
        return env.encode("utf-8")
    path = key_path()
    try:
        data = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        data = ""
    if data:
        return data.encode("ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    new = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # created concurrently: use theirs
        return path.read_text(encoding="ascii").strip().encode("ascii")
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(new + "\n")
    os.chmod(path, 0o600)
    return new.encode("ascii")
