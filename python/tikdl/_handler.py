"""The handlers: the document's API over ``tikdl._native``."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import time
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Dict, Iterable, List, Optional, Tuple, Union

from . import _native
from ._errors import from_native
from ._types import (
    DownloadProgress,
    DownloadResult,
    PlatformCapabilities,
    PlatformVideoInfo,
    QualityLevel,
)

#: tikdl's own output template, for a download into a folder.
DEFAULT_TEMPLATE = "%(uploader)s - %(title).80s [%(id)s].%(ext)s"

PathLike = Union[str, "os.PathLike[str]"]
ProgressCallback = Callable[[DownloadProgress], Any]


def _quality(quality: Union[QualityLevel, str, None], audio_only: bool) -> Optional[str]:
    if audio_only:
        return "audio"
    if quality is None:
        return None
    if isinstance(quality, QualityLevel):
        return quality.value
    if isinstance(quality, str):
        return quality
    raise TypeError(f"quality must be a QualityLevel, a str such as '720p', or None, not {type(quality).__name__}")


def _destination(output_path: PathLike) -> Tuple[str, str]:
    """(folder, template): the file named, its extension the one of the format taken."""
    path = Path(os.fspath(output_path))
    if path.is_dir() or str(output_path).endswith(os.sep):
        return str(path), DEFAULT_TEMPLATE
    if not path.name or path.name in (".", ".."):
        raise ValueError(f"output_path {str(output_path)!r} names no file")
    stem = path.stem if path.suffix else path.name
    folder = str(path.parent) if str(path.parent) else "."
    return folder, stem.replace("%", "%%") + ".%(ext)s"


def _special_file(url: str, output_path: PathLike) -> Optional[DownloadResult]:
    """A failed result when ``output_path`` is an existing file that is neither a regular file
    nor a folder (``/dev/null``, a FIFO, a socket): tikdl writes regular files only, and writing
    beside such a name (``/dev/null.mp4``) is not what was asked."""
    try:
        mode = os.stat(os.fspath(output_path)).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    message = (
        f"{os.fspath(output_path)}: not a regular file (a device, FIFO or socket); "
        "name a new file or a folder as output_path"
    )
    err = {
        "kind": "local",
        "code": "not_regular_file",
        "message": message,
        "operation": "write",
        "url": None,
        "hints": ["name a new file or a folder as output_path"],
    }
    return DownloadResult._from_json(
        json.dumps({"url": url, "id": None, "status": "failed", "files": [], "filesize": 0,
                    "seconds": 0.0, "format_id": None, "error": err})
    )


class TikTokHandler:
    """TikTok metadata and downloads. One handler serves any number of concurrent calls (at
    most ``max_concurrent_operations`` run at once; the others wait their turn)."""

    def __init__(self, auth_info: Optional[Dict[str, Any]] = None, config: Optional[Dict[str, Any]] = None) -> None:
        # The credentials go to Rust and are not kept here: no attribute, repr or traceback
        # frame of this object holds them.
        try:
            self._native = _native.Handler(config, auth_info)
        except _native.NativeError as e:
            raise from_native(e.args) from None
        self._operations = 0
        self._started = time.monotonic()
        #: The summary of the last ``download_many`` run that ended (done, skipped, failed, ...).
        self.last_batch_summary: Optional[Dict[str, Any]] = None

    def __repr__(self) -> str:
        auth = self._native.auth_kind()
        return (
            f"<{type(self).__name__} max_concurrent_operations="
            f"{self._native.max_concurrent_operations()} auth={auth or 'none'}>"
        )

    def settings(self) -> str:
        """The effective settings as ``tikdl config show`` prints them (secrets redacted)."""
        return self._native.settings_text()

    def get_capabilities(self) -> PlatformCapabilities:
        return PlatformCapabilities(
            supports_download=True,
            supports_metadata=True,
            supports_slideshows=True,
            supported_formats=["mp4", "mp3", "jpg"],
            supported_url_kinds=list(self._native.url_kinds()),
            max_concurrent_operations=self._native.max_concurrent_operations(),
        )

    def is_valid_url(self, url: str) -> bool:
        """Whether ``url`` is a TikTok post or short link (no network)."""
        return isinstance(url, str) and self._native.is_valid_url(url)

    async def get_video_info(self, url: str) -> PlatformVideoInfo:
        if not isinstance(url, str):
            raise TypeError(f"url must be a str, not {type(url).__name__}")
        try:
            text = await self._native.video_info(url)
        except _native.NativeError as e:
            raise from_native(e.args) from None
        self._operations += 1
        return PlatformVideoInfo._from_json(text)

    async def download_video(
        self,
        url: str,
        output_path: PathLike,
        quality: Optional[QualityLevel] = None,
        audio_only: bool = False,
        progress_callback: Optional[ProgressCallback] = None,
        **kwargs: Any,
    ) -> DownloadResult:
        """Saves one post as ``output_path`` (its extension is the format's: ``.mp4`` for a
        video, ``.mp3`` for audio). A slideshow's sound takes that name and its images go beside
        it as ``<stem> - 01.jpg``, ... . Extra keywords: ``codec`` (``h264``, ``h265``, ``any``)
        and ``rate_limit`` (bytes/s or ``"8M"``)."""
        codec = kwargs.pop("codec", None)
        rate = kwargs.pop("rate_limit", None)
        if kwargs:
            raise TypeError(f"download_video() got unexpected keyword arguments: {', '.join(sorted(kwargs))}")
        if not isinstance(url, str):
            raise TypeError(f"url must be a str, not {type(url).__name__}")
        if progress_callback is not None and not callable(progress_callback):
            raise TypeError("progress_callback must be callable")
        refused = _special_file(url, output_path)
        if refused is not None:
            return refused
        folder, template = _destination(output_path)
        rate_limit = _rate(rate)
        failure: List[BaseException] = []
        pending: List["asyncio.Future[str]"] = []

        def on_progress(done: int, total: Optional[int], speed: float, eta: Optional[float]) -> None:
            if failure or progress_callback is None:
                return
            pct = min(100.0, done * 100.0 / total) if total else 0.0
            try:
                progress_callback(DownloadProgress(pct, done, total, speed, eta))
            except Exception as e:  # the caller's bug: stop this download, raise it there
                failure.append(e)
                for f in pending:
                    f.cancel()

        try:
            fut = self._native.download(
                url,
                folder,
                template,
                _quality(quality, audio_only),
                codec,
                audio_only,
                rate_limit,
                on_progress if progress_callback is not None else None,
            )
        except _native.NativeError as e:
            raise from_native(e.args) from None
        pending.append(fut)
        try:
            text = await fut
        except asyncio.CancelledError:
            if failure:
                raise failure[0] from None
            raise
        except _native.NativeError as e:
            raise from_native(e.args) from None
        self._operations += 1
        return DownloadResult._from_json(text)

    async def download_many(
        self,
        urls: Iterable[str],
        output_dir: PathLike,
        *,
        quality: Optional[QualityLevel] = None,
        audio_only: bool = False,
        output_template: str = DEFAULT_TEMPLATE,
        archive: Optional[PathLike] = None,
        failed_file: Optional[PathLike] = None,
        max_concurrent: Optional[int] = None,
        codec: Optional[str] = None,
        rate_limit: Union[int, str, None] = None,
    ) -> AsyncIterator[DownloadResult]:
        """Runs tikdl's batch loop over ``urls`` (profiles, sounds and hashtags expand into their
        posts) and yields each post's result as it finishes. ``archive``: ids done are skipped
        and recorded (``--download-archive``); ``failed_file``: the URLs that failed, for a
        retry. ``last_batch_summary`` holds the counts once the run ends."""
        if isinstance(urls, (str, bytes)):
            # One URL given bare would be iterated as its characters.
            raise TypeError("urls must be an iterable of URL strs, not one str: wrap it in a list")
        url_list = list(urls)
        if not all(isinstance(u, str) for u in url_list):
            raise TypeError("urls must be strs")
        try:
            run = self._native.batch(
                url_list,
                os.fspath(output_dir),
                output_template,
                _quality(quality, audio_only),
                codec,
                audio_only,
                _rate(rate_limit),
                None if archive is None else os.fspath(archive),
                None if failed_file is None else os.fspath(failed_file),
                max_concurrent,
            )
        except _native.NativeError as e:
            raise from_native(e.args) from None
        try:
            while True:
                try:
                    text = await run.next()
                except _native.NativeError as e:
                    raise from_native(e.args) from None
                if text is None:
                    break
                if text.startswith('{"summary"'):
                    self.last_batch_summary = json.loads(text)["summary"]
                    continue
                self._operations += 1
                yield DownloadResult._from_json(text)
        finally:
            run.cancel()


def _rate(rate: Union[int, str, None]) -> Optional[int]:
    """bytes/s from an int or ``"500K"``/``"8M"``-style str."""
    if rate is None:
        return None
    if isinstance(rate, bool) or not isinstance(rate, (int, str)):
        raise TypeError("rate_limit must be bytes per second (int) or a str such as '8M'")
    if isinstance(rate, int):
        if rate <= 0:
            raise ValueError("rate_limit must be at least 1 byte per second")
        return rate
    text = rate.strip()
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "B": 1}
    mult = units.get(text[-1:].upper(), 0) if text[-1:].isalpha() else 1
    number = text[:-1] if text[-1:].isalpha() else text
    try:
        value = float(number)
    except ValueError:
        value = -1.0
    if mult == 0 or not value > 0 or value == float("inf"):
        raise ValueError(f"rate_limit {rate!r} is not a rate (examples: 1048576, '500K', '8M')")
    return int(value * mult)


class EnhancedTikTokHandler(TikTokHandler):
    """The same handler, plus ``get_performance_stats()``."""

    def get_performance_stats(self) -> Dict[str, Any]:
        """Cache and throughput figures, and tikdl's own counters under ``tikdl``."""
        rust = json.loads(self._native.stats_json())
        hits, misses = rust.get("cache_hits", 0), rust.get("cache_misses", 0)
        lookups = hits + misses
        elapsed = max(time.monotonic() - self._started, 1e-9)
        return {
            "optimization_stats": {
                "cache_stats": {
                    "hits": hits,
                    "misses": misses,
                    "hit_rate_percent": 100.0 * hits / lookups if lookups else 0.0,
                },
            },
            "performance_monitor": {
                "operations": self._operations,
                "operations_per_second": self._operations / elapsed,
                "elapsed_seconds": elapsed,
            },
            "tikdl": rust,
        }
