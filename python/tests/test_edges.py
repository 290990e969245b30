"""Edges: interpreter exit right after a call, a forked child, odd metadata values, output paths
that are no regular file."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest

import tikdl
from tikdl import DownloadProgress, PlatformVideoInfo, QualityLevel

from conftest import DESKTOP_URL


def _run(code: str, timeout: float = 60) -> "subprocess.CompletedProcess[str]":
    # From another folder: the source folder python/ must not shadow the package under test.
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=tempfile.gettempdir(),
    )


def test_exit_right_after_a_failed_call_is_clean() -> None:
    # The first call fails at once (no network) and the program ends while the runtime's
    # threads still hand the other calls' errors over. The crash this guards against was
    # intermittent (about 1 run in 5 of these), hence the repeats.
    code = """
        import asyncio
        from tikdl import TikTokHandler, PlatformError
        async def main():
            h = TikTokHandler(config={"enable_caching": False, "max_concurrent_operations": 64})
            try:
                await asyncio.gather(*(h.get_video_info("https://evil.example/x") for _ in range(200)))
            except PlatformError:
                pass
        asyncio.run(main())
        print("ok")
    """
    for _ in range(30):
        r = _run(code)
        assert (r.returncode, r.stdout.strip()) == (0, "ok"), r.stderr[-2000:]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_forked_child_gets_a_picklable_platform_error() -> None:
    code = """
        import asyncio, json, os, pickle
        from tikdl import TikTokHandler, PlatformError
        from tikdl import _native
        h = TikTokHandler(config={"enable_caching": False})
        async def first():
            try:
                await h.get_video_info("https://evil.example/x")
            except PlatformError:
                pass
        asyncio.run(first())
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            out = {}
            try:
                TikTokHandler(config={"enable_caching": False})
            except Exception as e:
                back = pickle.loads(pickle.dumps(e))
                out["ctor"] = [type(e).__name__, isinstance(e, PlatformError), e.context.code,
                               type(back).__name__, back.context.code, str(back) == str(e)]
            async def info():
                try:
                    await h.get_video_info("https://www.tiktok.com/@a/video/7000000000000000001")
                except Exception as e:
                    out["info"] = [type(e).__name__, isinstance(e, PlatformError), e.context.code]
            asyncio.run(info())
            os.write(w, json.dumps(out).encode())
            os._exit(0)
        os.close(w)
        os.waitpid(pid, 0)
        print(os.read(r, 65536).decode())
        native = pickle.loads(pickle.dumps(_native.NativeError("a", "b")))
        print(type(native).__module__, native.args)
    """
    r = _run(code)
    assert r.returncode == 0, r.stderr[-2000:]
    child, native = r.stdout.strip().splitlines()
    got = json.loads(child)
    assert got["ctor"] == ["PlatformError", True, "forked", "PlatformError", "forked", True]
    assert got["info"] == ["PlatformError", True, "forked"]
    assert native == "tikdl._native ('a', 'b')"


def _info(**fields: Any) -> PlatformVideoInfo:
    raw: Dict[str, Any] = {"id": "7000000000000000001", "webpage_url": DESKTOP_URL}
    raw.update(fields)
    return PlatformVideoInfo._from_json(json.dumps(raw))


@pytest.mark.parametrize(
    "timestamp",
    [253402300800, 10**12, 2**53, 2**62, 2**63 - 1, -62135596801, -(2**63)],
)
def test_a_time_no_datetime_holds_is_no_upload_date(timestamp: int) -> None:
    info = _info(timestamp=timestamp)
    assert info.upload_date is None
    assert info.metadata["timestamp"] == timestamp


def test_times_at_the_edges_still_read() -> None:
    assert _info(timestamp=253402300799).upload_date.year == 9999  # type: ignore[union-attr]
    assert _info(upload_date="20240229").upload_date.day == 29  # type: ignore[union-attr]
    assert _info(upload_date="20231350").upload_date is None


def test_counts_of_odd_types_are_zero_or_whole() -> None:
    info = _info(view_count=10**30, like_count=-5, comment_count=1.5e3, repost_count=True, save_count="7")
    assert (info.view_count, info.like_count, info.comment_count, info.share_count, info.save_count) == (
        10**30,
        0,
        1500,
        0,
        0,
    )


def _special_targets(tmp_path: Path) -> Dict[str, Path]:
    targets = {"dev_null": Path(os.devnull)}
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.mp4"
        os.mkfifo(fifo)
        targets["fifo"] = fifo
        link = tmp_path / "null-link"
        link.symlink_to(os.devnull)
        targets["symlink_to_dev_null"] = link
    return targets


async def test_an_output_path_that_is_no_regular_file_is_refused(
    handler: tikdl.TikTokHandler, tmp_path: Path
) -> None:
    for name, target in _special_targets(tmp_path).items():
        around = set(os.listdir(target.parent))
        r = await handler.download_video(DESKTOP_URL, target)
        assert not r.success, name
        assert r.error_code == "not_regular_file", name
        assert r.error is not None and str(target) in r.error, name
        assert r.files == [] and r.file_path is None, name
        assert set(os.listdir(target.parent)) == around, name
    assert Path(os.devnull).is_char_device()


async def test_a_slow_progress_callback_gets_fresh_reports_not_a_backlog(imitation: Any, tmp_path: Path) -> None:
    h = tikdl.TikTokHandler(config=imitation.config(download_rate_limit="2M"))
    out = tmp_path / "v.mp4"
    seen: List[DownloadProgress] = []

    def cb(p: DownloadProgress) -> None:
        seen.append(p)
        if len(seen) == 1:
            # Holds the loop until the file is whole on disk: every report of the transfer
            # comes in meanwhile.
            deadline = time.monotonic() + 60
            while not out.exists() and time.monotonic() < deadline:
                time.sleep(0.01)

    r = await h.download_video(DESKTOP_URL, out, quality=QualityLevel.SD, progress_callback=cb)
    assert r.success, r.error
    assert out.exists()
    # The reports that waited were folded into the newest one, and the 100 % one.
    assert len(seen) <= 3, [p.downloaded_bytes for p in seen]
    assert seen[-1].percentage == 100.0 and seen[-1].downloaded_bytes == r.file_size


async def test_a_body_of_unsaid_size_still_ends_at_100_percent(handler: tikdl.TikTokHandler, tmp_path: Path) -> None:
    # The imitation's storage post 6: its media comes chunked, without Content-Length.
    url = "https://www.tiktok.com/@u/video/7200000000000000006"
    seen: List[DownloadProgress] = []
    r = await handler.download_video(url, tmp_path / "c.mp4", progress_callback=seen.append)
    assert r.success, r.error
    assert seen, "no progress at all"
    last = seen[-1]
    assert (last.percentage, last.downloaded_bytes, last.total_bytes) == (100.0, r.file_size, r.file_size)
    assert [p.percentage for p in seen].count(100.0) == 1


async def test_download_many_refuses_one_bare_url_str(tmp_path: Path) -> None:
    handler = tikdl.TikTokHandler()
    with pytest.raises(TypeError, match="not one str"):
        async for _ in handler.download_many("https://www.tiktok.com/@u/video/7608826249200356630", tmp_path):
            pass
