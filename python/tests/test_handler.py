"""The handler against the imitation: metadata, downloads, progress, cancellation, errors,
concurrency, secrets."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
from datetime import timezone
from pathlib import Path
from typing import Any, List

import pytest

import tikdl
from tikdl import (
    DownloadProgress,
    PlatformConnectionError,
    PlatformContentError,
    PlatformError,
    QualityLevel,
)

from conftest import (
    BENCH_URL,
    DESKTOP_ID,
    DESKTOP_URL,
    EMPTY_SHELL_URL,
    PHOTO_URL,
    PRIVATE_URL,
    REMOVED_URL,
    batch_url,
    tikdl_binary,
    media_files,
    part_files,
)


def test_exports_exactly_the_documented_names() -> None:
    assert sorted(tikdl.__all__) == sorted(
        [
            "TikTokHandler",
            "EnhancedTikTokHandler",
            "PlatformCapabilities",
            "PlatformVideoInfo",
            "VideoFormat",
            "QualityLevel",
            "DownloadResult",
            "DownloadProgress",
            "PlatformError",
            "PlatformContentError",
            "PlatformConnectionError",
        ]
    )
    assert [q.value for q in QualityLevel] == ["hd", "sd", "ld", "mobile", "audio"]
    assert issubclass(PlatformContentError, PlatformError) and issubclass(PlatformConnectionError, PlatformError)


def test_url_validation_needs_no_network() -> None:
    h = tikdl.TikTokHandler(config={"enable_caching": False})
    for ok in (
        "https://www.tiktok.com/@username/video/7608826249200356630",
        "https://vm.tiktok.com/ZMabc123/",
        "https://vt.tiktok.com/ZSabc123",
        "https://www.tiktok.com/t/ZTabc123/",
        "https://www.tiktok.com/@mu33.__/photo/7610426235671350549",
    ):
        assert h.is_valid_url(ok), ok
    for bad in (
        "https://evil-tiktok.com/@a/video/7608826249200356630",
        "https://www.youtube.com/watch?v=x",
        "not a url",
        "https://www.tiktok.com/@username",  # a profile: a list, not a post
    ):
        assert not h.is_valid_url(bad), bad
    assert not h.is_valid_url(123)  # type: ignore[arg-type]


async def test_video_info_fields_and_to_dict_is_the_cli_json(handler: tikdl.TikTokHandler, imitation: Any) -> None:
    info = await handler.get_video_info(DESKTOP_URL)
    assert info.platform_id == DESKTOP_ID
    assert info.url == DESKTOP_URL
    assert info.creator_username == "emthenutritionist"
    assert info.creator and info.title and isinstance(info.description, str)
    assert isinstance(info.duration, float) and info.duration > 0
    assert info.upload_date is not None and info.upload_date.tzinfo == timezone.utc
    assert info.view_count > 0 and info.like_count > 0
    assert isinstance(info.metadata["hashtags"], list) and isinstance(info.metadata["mentions"], list)
    assert info.metadata["subtitles"], "D1 has subtitles"
    assert info.thumbnail_url and info.thumbnail_url.startswith("https://")
    qualities = {f.quality for f in info.formats}
    assert QualityLevel.AUDIO_ONLY in qualities and QualityLevel.HD in qualities
    hd = next(f for f in info.formats if f.quality is QualityLevel.HD)
    assert hd.file_extension == "mp4" and min(hd.width or 0, hd.height or 0) >= 1080 and hd.vcodec

    cli = subprocess.run(
        [str(tikdl_binary()), "--proxy", imitation.proxy_url, "--ca-cert", imitation.ca,
         "--no-cache", "info", "--json", DESKTOP_URL],
        capture_output=True, text=True, check=True,
    )
    d = info.to_dict()
    assert d["id"] == DESKTOP_ID and d["webpage_url"] == DESKTOP_URL
    assert json.loads(cli.stdout) == d
    d["id"] = "changed"
    assert info.to_dict()["id"] == DESKTOP_ID, "to_dict gives a copy"


async def test_slideshow_images_go_beside_the_audio(handler: tikdl.TikTokHandler, tmp_path: Path) -> None:
    info = await handler.get_video_info(PHOTO_URL)
    assert info.metadata["kind"] == "slideshow" and len(info.metadata["images"]) == 4
    out = tmp_path / "out" / "show.mp3"
    r = await handler.download_video(PHOTO_URL, out)
    assert r.success, r.error
    assert r.file_path == out
    names = sorted(p.name for p in r.files)
    assert names == ["show - 01.jpg", "show - 02.jpg", "show - 03.jpg", "show - 04.jpg", "show.mp3"]
    assert r.file_size == sum(p.stat().st_size for p in r.files)


async def test_quality_falls_back_downward(handler: tikdl.TikTokHandler, tmp_path: Path) -> None:
    info = await handler.get_video_info(DESKTOP_URL)
    has = {f.quality for f in info.formats}
    r = await handler.download_video(DESKTOP_URL, tmp_path / "sd.mp4", quality=QualityLevel.SD)
    assert r.success and r.format_id
    taken = next(f for f in info.formats if f.format_id == r.format_id)
    assert taken.quality is QualityLevel.SD if QualityLevel.SD in has else taken.quality is not QualityLevel.HD
    r = await handler.download_video(DESKTOP_URL, tmp_path / "mobile.mp4", quality=QualityLevel.MOBILE)
    assert r.success
    taken = next(f for f in info.formats if f.format_id == r.format_id)
    # No 360p rendition: the next one down is none, so the lowest there is.
    lowest = min((f for f in info.formats if f.quality is not QualityLevel.AUDIO_ONLY and f.height),
                 key=lambda f: min(f.width or 0, f.height or 0))
    assert min(taken.width or 0, taken.height or 0) == min(lowest.width or 0, lowest.height or 0)
    r = await handler.download_video(DESKTOP_URL, tmp_path / "a.mp4", audio_only=True)
    assert r.success and r.file_path == tmp_path / "a.mp3" and r.format_id is None
    with pytest.raises(TypeError):
        await handler.download_video(DESKTOP_URL, tmp_path / "x.mp4", quality=1080)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        await handler.download_video(DESKTOP_URL, tmp_path / "x.mp4", quality="4k")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bogus"):
        await handler.download_video(DESKTOP_URL, tmp_path / "x.mp4", bogus=1)


async def test_progress_on_the_loop_thread_thinned_and_once_at_100(imitation: Any, tmp_path: Path) -> None:
    h = tikdl.TikTokHandler(config=imitation.config(download_rate_limit="2M"))
    seen: List[DownloadProgress] = []
    threads = set()
    start = time.monotonic()

    def cb(p: DownloadProgress) -> None:
        threads.add(threading.get_ident())
        seen.append(p)

    r = await h.download_video(DESKTOP_URL, tmp_path / "v.mp4", quality=QualityLevel.SD, progress_callback=cb)
    elapsed = time.monotonic() - start
    assert r.success, r.error
    assert threads == {threading.get_ident()}, "called on the event loop's thread"
    assert [p.percentage for p in seen].count(100.0) == 1 and seen[-1].percentage == 100.0
    assert seen[-1].downloaded_bytes == seen[-1].total_bytes == r.file_size
    assert all(a.downloaded_bytes <= b.downloaded_bytes for a, b in zip(seen, seen[1:]))
    assert len(seen) >= 3
    assert len(seen) <= 12 * elapsed + 2, (len(seen), elapsed)
    assert any(p.speed > 0 and p.eta is not None for p in seen)


async def test_cancelling_leaves_only_the_part_then_resumes_byte_identical(imitation: Any, tmp_path: Path) -> None:
    slow = tikdl.TikTokHandler(config=imitation.config(download_rate_limit="1M"))
    out = tmp_path / "cut" / "clip.mp4"
    started = asyncio.Event()

    def cb(p: DownloadProgress) -> None:
        # Past the engine's 1 MiB write buffer: some of it is on disk when the task is cancelled
        # (what is still in the buffer then is fetched again on resume).
        if p.downloaded_bytes > 2_500_000:
            started.set()

    task = asyncio.ensure_future(slow.download_video(DESKTOP_URL, out, quality=QualityLevel.SD, progress_callback=cb))
    await asyncio.wait_for(started.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not out.exists(), "never a final file"
    assert part_files(out.parent) == ["clip.mp4.part"]
    part = out.parent / "clip.mp4.part"
    size = part.stat().st_size
    await asyncio.sleep(1.5)
    assert part.stat().st_size == size, "the transfer stopped"
    assert 1_000_000 < size < 5_000_000

    fast = tikdl.TikTokHandler(config=imitation.config())
    first: List[int] = []
    r = await fast.download_video(
        DESKTOP_URL, out, quality=QualityLevel.SD,
        progress_callback=lambda p: first.append(p.downloaded_bytes) if not first else None,
    )
    assert r.success and r.file_path == out
    assert first and first[0] >= size, "resumed from the .part, not started over"
    assert part_files(out.parent) == []
    fresh = await fast.download_video(DESKTOP_URL, tmp_path / "fresh" / "clip.mp4", quality=QualityLevel.SD)
    assert fresh.success and fresh.file_path is not None
    assert out.read_bytes() == fresh.file_path.read_bytes()


async def test_a_callback_that_raises_cancels_that_download(imitation: Any, tmp_path: Path) -> None:
    h = tikdl.TikTokHandler(config=imitation.config(download_rate_limit="1M"))
    calls = []

    def cb(p: DownloadProgress) -> None:
        calls.append(p)
        raise RuntimeError("callback bug")

    out = tmp_path / "boom.mp4"
    with pytest.raises(RuntimeError, match="callback bug"):
        await h.download_video(DESKTOP_URL, out, quality=QualityLevel.SD, progress_callback=cb)
    assert len(calls) == 1, "no report after the one that raised"
    assert not out.exists()
    await asyncio.sleep(0.5)
    assert not out.exists()
    # The handler still works, and the next call resumes and completes.
    r = await h.download_video(DESKTOP_URL, out, quality=QualityLevel.SD)
    assert r.success and out.exists() and part_files(tmp_path) == []


async def test_content_errors_carry_context(handler: tikdl.TikTokHandler) -> None:
    for url, code in ((REMOVED_URL, "removed"), (PRIVATE_URL, "private_post")):
        with pytest.raises(PlatformContentError) as e:
            await handler.get_video_info(url)
        ctx = e.value.context
        assert (ctx.operation, ctx.url, ctx.code) == ("extract", url, code)
        assert ctx.recovery_options and all(isinstance(s, str) for s in ctx.recovery_options)
        assert url in str(e.value)
    with pytest.raises(PlatformContentError) as e:
        await handler.get_video_info("https://example.com/@a/video/7608826249200356630")
    assert e.value.context.code == "not_tiktok" and e.value.context.operation == "parse_url"


async def test_platform_error_for_a_page_without_data(handler: tikdl.TikTokHandler) -> None:
    with pytest.raises(PlatformError) as e:
        await handler.get_video_info(EMPTY_SHELL_URL)
    assert type(e.value) is PlatformError
    assert e.value.context.code in ("empty_page", "no_data")
    assert e.value.context.url == EMPTY_SHELL_URL and e.value.context.recovery_options


async def test_connection_errors_carry_context(imitation: Any, tmp_path: Path) -> None:
    untrusted = tikdl.TikTokHandler(config={**imitation.config(), "ca_cert": None, "retry_attempts": 0})
    with pytest.raises(PlatformConnectionError) as e:
        await untrusted.get_video_info(DESKTOP_URL)
    assert e.value.context.code == "tls" and e.value.context.url == DESKTOP_URL
    assert e.value.context.operation == "fetch_page" and e.value.context.recovery_options

    dead = tikdl.TikTokHandler(config={**imitation.config(), "retry_attempts": 0,
                                       "proxy_config": {"enabled": True, "proxy_url": "http://127.0.0.1:9"}})
    with pytest.raises(PlatformConnectionError) as e:
        await dead.get_video_info(DESKTOP_URL)
    assert e.value.context.code in ("refused", "connection")
    # A download turns the same failure into a result, not an exception.
    r = await dead.download_video(DESKTOP_URL, tmp_path / "x.mp4")
    assert not r.success and r.error and r.error_code in ("refused", "connection")
    assert r.file_path is None and r.files == [] and not (tmp_path / "x.mp4").exists()
    r = await dead.download_video(REMOVED_URL, tmp_path / "y.mp4")
    assert not r.success and r.error_code in ("refused", "connection")


async def test_content_failure_of_a_download_is_a_result(handler: tikdl.TikTokHandler, tmp_path: Path) -> None:
    r = await handler.download_video(PRIVATE_URL, tmp_path / "p.mp4")
    assert not r.success and r.error_code == "private_post" and "private" in (r.error or "")
    assert r.error_context is not None and r.error_context.recovery_options


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def test_200_concurrent_infos_in_one_gather_memory_bounded(imitation: Any) -> None:
    h = tikdl.TikTokHandler(config=imitation.config(max_concurrent_operations=16))
    await asyncio.gather(*(h.get_video_info(batch_url(n)) for n in range(1, 21)))  # warm-up
    before = rss_kib()
    infos = await asyncio.gather(*(h.get_video_info(batch_url(n)) for n in range(1, 201)))
    after = rss_kib()
    assert [i.platform_id for i in infos] == [str(7300000000000100000 + n) for n in range(1, 201)]
    assert all(i.formats for i in infos)
    assert after - before < 64 * 1024, f"RSS grew {after - before} KiB"


async def test_the_loop_and_other_threads_run_while_rust_works(imitation: Any) -> None:
    h = tikdl.TikTokHandler(config=imitation.config(max_concurrent_operations=4))
    stop = threading.Event()
    counter = [0]

    def spin() -> None:
        while not stop.is_set():
            counter[0] += 1

    ticks = [0]

    async def tick() -> None:
        while not stop.is_set():
            ticks[0] += 1
            await asyncio.sleep(0.005)

    t = threading.Thread(target=spin)
    t.start()
    ticker = asyncio.ensure_future(tick())
    try:
        at_start = counter[0]
        infos = await asyncio.gather(*(h.get_video_info(batch_url(n)) for n in range(300, 340)))
        during = counter[0] - at_start
    finally:
        stop.set()
        t.join()
        await ticker
    assert len(infos) == 40
    assert during > 1000, "the Python thread kept running"
    assert ticks[0] > 1, "the event loop kept running"


async def test_download_many_yields_as_posts_finish(imitation: Any, tmp_path: Path) -> None:
    h = tikdl.TikTokHandler(config=imitation.config())
    urls = [batch_url(n) for n in range(1000, 1006)] + [REMOVED_URL]
    archive = tmp_path / "archive.txt"
    failed = tmp_path / "failed.txt"
    results = [r async for r in h.download_many(urls, tmp_path / "out", output_template="%(id)s.%(ext)s",
                                                 archive=archive, failed_file=failed)]
    assert len(results) == 7
    ok = [r for r in results if r.success]
    assert sorted(r.platform_id for r in ok) == sorted(str(7300000000000100000 + n) for n in range(1000, 1006))
    assert all(r.file_path is not None and r.file_path.exists() for r in ok)
    bad = [r for r in results if not r.success]
    assert len(bad) == 1 and bad[0].error_code == "removed" and bad[0].url == REMOVED_URL
    assert failed.read_text().split() == [REMOVED_URL]
    assert len(archive.read_text().splitlines()) == 6
    assert h.last_batch_summary is not None and h.last_batch_summary["done"] == 6
    again = [r async for r in h.download_many(urls[:6], tmp_path / "out", archive=archive)]
    assert [r.status for r in again] == ["skipped"] * 6


async def test_enhanced_stats_hit_rate(imitation: Any, tmp_path: Path) -> None:
    h = tikdl.EnhancedTikTokHandler(config=imitation.config(enable_caching=True, cache_dir=str(tmp_path / "c")))
    # D1's captured media URLs have expired (it is never cached): a post with fresh ones.
    await h.get_video_info(BENCH_URL)
    await h.get_video_info(BENCH_URL)
    s = h.get_performance_stats()
    assert s["optimization_stats"]["cache_stats"]["hit_rate_percent"] == 50.0
    assert isinstance(s["performance_monitor"]["operations_per_second"], float)
    assert s["performance_monitor"]["operations_per_second"] > 0
    assert s["tikdl"]["page_requests"] >= 1 and s["tikdl"]["cache_hits"] == 1


SECRET = "tok-3f9a1c7e5b2d"


async def test_secrets_never_show(imitation: Any, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(f".tiktok.com\tTRUE\t/\tTRUE\t0\tsessionid\t{SECRET}c\n")
    cfg = imitation.config(
        headers_config={"custom_headers": {"X-Api-Token": SECRET + "h"}},
    )
    cfg["proxy_config"] = {"enabled": True, "proxy_url": imitation.proxy_url.replace("http://", f"http://u:{SECRET}p@")}
    handlers = [
        tikdl.TikTokHandler(auth_info={"session_token": SECRET}, config=cfg),
        tikdl.EnhancedTikTokHandler(auth_info={"cookies_file": str(cookies)}, config=cfg),
    ]
    texts = []
    for h in handlers:
        texts += [repr(h), str(vars(h)), h.settings(), json.dumps(h.get_performance_stats()) if hasattr(h, "get_performance_stats") else ""]
        for url in (REMOVED_URL, "https://vm.tiktok.com/ZMgone1/", "https://evil.example/x"):
            try:
                await h.get_video_info(url)
            except PlatformError as e:
                texts += [str(e), repr(e), repr(e.context)]
        r = await h.download_video(PRIVATE_URL, tmp_path / "p.mp4")
        texts += [repr(r), str(r.error)]
    bad = tikdl.TikTokHandler
    for broken in ({"session_token": SECRET + "\n"}, {"session_token": 5}):
        with pytest.raises(ValueError) as e:
            bad(auth_info=broken)
        texts.append(str(e.value))
    with pytest.raises(ValueError) as e:
        bad(config={"headers_config": {"custom_headers": {"Bad Name": SECRET}}})
    texts.append(str(e.value))
    out, err = capfd.readouterr()
    texts += [out, err]
    joined = "\n".join(texts)
    assert "(redacted)" in joined  # the settings name what is set
    assert SECRET not in joined
