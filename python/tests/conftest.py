"""Fixtures: the imitation of TikTok (its binary, started once per session) and handlers that
reach it the way a user's would: ``proxy_config`` + ``ca_cert``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest

import tikdl

REPO = Path(__file__).resolve().parents[2]

DESKTOP_ID = "7608826249200356630"
DESKTOP_URL = f"https://www.tiktok.com/@emthenutritionist/video/{DESKTOP_ID}"
PHOTO_URL = "https://www.tiktok.com/@mu33.__/photo/7610426235671350549"
REMOVED_URL = "https://www.tiktok.com/@x/video/7000000000000010204"
PRIVATE_URL = "https://www.tiktok.com/@x/video/7000000000000010216"
EMPTY_SHELL_URL = "https://www.tiktok.com/@x/video/7000000000000000000"
BATCH_BASE = 7300000000000100000
#: A benchmark post (1 MiB video): its media URLs carry no expiry, so it is cached.
BENCH_URL = "https://www.tiktok.com/@bench/video/7900000000000000001"


def batch_url(n: int) -> str:
    """The imitation's generated batch post ``n`` (1..=5000), small media of its own."""
    return f"https://www.tiktok.com/@imitation/video/{BATCH_BASE + n}"


def _binary(package: str, name: str) -> Path:
    """target/debug/NAME, built first when it is not there."""
    p = REPO / "target" / "debug" / name
    if not p.exists():
        subprocess.run(["cargo", "build", "-q", "-p", package, "--bin", name], cwd=REPO, check=True)
    return p


def _imitation_binary() -> Path:
    given = os.environ.get("TIKDL_IMITATION")
    return Path(given) if given else _binary("tiktok-imitation", "tiktok-imitation")


def tikdl_binary() -> Path:
    """The command line, for comparing JSON with it."""
    return _binary("tikdl", "tikdl")


class Imitation:
    def __init__(self, proxy_url: str, ca: str) -> None:
        self.proxy_url = proxy_url
        self.ca = ca

    def config(self, **extra: Any) -> Dict[str, Any]:
        """A handler config reaching the imitation, as a user would write it."""
        base: Dict[str, Any] = {
            "proxy_config": {"enabled": True, "proxy_url": self.proxy_url},
            "ca_cert": self.ca,
            "enable_caching": False,
            "rate_limit_config": {"enabled": False},
            "retry_backoff": 0.05,
        }
        base.update(extra)
        return base


@pytest.fixture(scope="session")
def imitation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imitation]:
    ca = tmp_path_factory.mktemp("imitation") / "ca.pem"
    proc = subprocess.Popen(
        [str(_imitation_binary()), "--ca-out", str(ca)],
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        m = re.match(r"listening on (127\.0\.0\.1:\d+)\b", first)
        assert m, f"the imitation said {first!r}"
        yield Imitation(f"http://{m.group(1)}", str(ca))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def handler(imitation: Imitation, tmp_path: Path) -> tikdl.TikTokHandler:
    return tikdl.TikTokHandler(config=imitation.config(cache_dir=str(tmp_path / "cache")))


def part_files(folder: Path) -> list:
    return sorted(p.name for p in folder.rglob("*.part"))


def media_files(folder: Path, suffixes: Optional[tuple] = None) -> list:
    suffixes = suffixes or (".mp4", ".mp3", ".jpg", ".jpeg", ".webp", ".m4a")
    return sorted(p.name for p in folder.rglob("*") if p.suffix in suffixes)
