"""Doxxing monitor: watch public accounts for posts that leak personal data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("doxxing-monitor")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"
