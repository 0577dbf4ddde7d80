"""The replay server used by the tests lives in ``monitor.replay`` (the demo uses it too)."""

from pathlib import Path

from monitor.replay import MockServer

ROOT = Path(__file__).resolve().parents[2]

__all__ = ["ROOT", "MockServer"]
