"""The values the handler takes and gives."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any, Dict, List, Optional


class QualityLevel(Enum):
    """A wanted quality. A missing one falls back to the next lower, then higher."""

    HD = "hd"  #: 1080p
    SD = "sd"  #: 720p
    LD = "ld"  #: 480p (TikTok's 540p class included)
    MOBILE = "mobile"  #: 360p
    AUDIO_ONLY = "audio"  #: the post's sound alone

    @classmethod
    def of_height(cls, short_side: Optional[int]) -> "QualityLevel":
        """The level of a frame whose short side is ``short_side`` pixels."""
        if short_side is None:
            return cls.MOBILE
        if short_side >= 1080:
            return cls.HD
        if short_side >= 720:
            return cls.SD
        if short_side >= 480:
            return cls.LD
        return cls.MOBILE


@dataclass(frozen=True)
class VideoFormat:
    """One rendition of a post (or its sound: ``quality`` is ``AUDIO_ONLY``)."""

    format_id: str
    quality: QualityLevel
    file_extension: str
    width: Optional[int]
    height: Optional[int]
    vcodec: str
    acodec: str
    filesize: Optional[int]
    url: str = field(repr=False, default="")
    watermarked: bool = False

    @classmethod
    def _from_json(cls, f: Dict[str, Any]) -> "VideoFormat":
        w, h = f.get("width"), f.get("height")
        if f.get("vcodec") == "none":
            q = QualityLevel.AUDIO_ONLY
        else:
            q = QualityLevel.of_height(min(w, h) if w and h else None)
        return cls(
            format_id=f["format_id"],
            quality=q,
            file_extension=f.get("ext") or "",
            width=w,
            height=h,
            vcodec=f.get("vcodec") or "",
            acodec=f.get("acodec") or "",
            filesize=f.get("filesize"),
            url=f.get("url") or "",
            watermarked=bool(f.get("watermarked")),
        )


def _date(raw: Dict[str, Any]) -> Optional[datetime]:
    """The upload time; None when TikTok gave none, or one no ``datetime`` can hold (before
    year 1 or after 9999, or beyond the platform's time functions)."""
    ts = raw.get("timestamp")
    try:
        if isinstance(ts, int) and not isinstance(ts, bool):
            return datetime.fromtimestamp(ts, tz=timezone.utc)
        day = raw.get("upload_date")
        if isinstance(day, str) and len(day) == 8 and day.isdigit():
            return datetime(int(day[:4]), int(day[4:6]), int(day[6:]), tzinfo=timezone.utc)
    except (ValueError, OSError, OverflowError):
        pass
    return None


def _count(value: Any) -> int:
    """A count: a whole number of at least 0, else 0 (TikTok did not give a usable one)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value if value >= 0 else 0
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    return 0


@dataclass(frozen=True)
class PlatformVideoInfo:
    """A post's metadata. Counts TikTok did not give (or gave as no whole number of
    at least 0) are 0; ``to_dict()`` is the JSON of
    ``tikdl info --json`` (nulls kept)."""

    platform_id: str
    url: str
    title: str
    description: str
    #: The author's display name (yt-dlp's ``channel``).
    creator: Optional[str]
    #: The author's handle (yt-dlp's ``uploader``).
    creator_username: Optional[str]
    #: Seconds.
    duration: Optional[float]
    #: Timezone-aware, UTC; ``None`` when TikTok gave no time or one outside years 1-9999.
    upload_date: Optional[datetime]
    view_count: int
    like_count: int
    comment_count: int
    share_count: int
    save_count: int
    thumbnail_url: Optional[str]
    formats: List[VideoFormat]
    #: ``hashtags`` and ``mentions`` (always), ``kind``, ``music``, ``track``, ``artists``,
    #: ``subtitles``, ``images`` (slideshows), ``thumbnails``, author ids and URLs.
    metadata: Dict[str, Any]
    _raw: Dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def _from_json(cls, text: str) -> "PlatformVideoInfo":
        raw = json.loads(text)
        duration = raw.get("duration")
        metadata: Dict[str, Any] = {
            "hashtags": list(raw.get("hashtags") or []),
            "mentions": list(raw.get("mentions") or []),
            "kind": raw.get("kind"),
            "music": raw.get("music"),
            "track": raw.get("track"),
            "artists": list(raw.get("artists") or []),
            "album": raw.get("album"),
            "subtitles": raw.get("subtitles") or {},
            "images": list(raw.get("images") or []),
            "thumbnails": list(raw.get("thumbnails") or []),
            "uploader_id": raw.get("uploader_id"),
            "uploader_url": raw.get("uploader_url"),
            "channel_id": raw.get("channel_id"),
            "channel_url": raw.get("channel_url"),
            "timestamp": raw.get("timestamp"),
        }
        return cls(
            platform_id=raw["id"],
            url=raw.get("webpage_url") or "",
            title=raw.get("title") or "",
            description=raw.get("description") or "",
            creator=raw.get("channel"),
            creator_username=raw.get("uploader"),
            duration=None if duration is None else float(duration),
            upload_date=_date(raw),
            view_count=_count(raw.get("view_count")),
            like_count=_count(raw.get("like_count")),
            comment_count=_count(raw.get("comment_count")),
            share_count=_count(raw.get("repost_count")),
            save_count=_count(raw.get("save_count")),
            thumbnail_url=raw.get("thumbnail"),
            formats=[VideoFormat._from_json(f) for f in raw.get("formats") or []],
            metadata=metadata,
            _raw=raw,
        )

    def to_dict(self) -> Dict[str, Any]:
        """The post as ``tikdl info --json`` prints it (a fresh copy)."""
        return copy.deepcopy(self._raw)


@dataclass(frozen=True)
class PlatformCapabilities:
    """What the handler can do."""

    supports_download: bool
    supports_metadata: bool
    supports_slideshows: bool
    supported_formats: List[str]
    supported_url_kinds: List[str]
    max_concurrent_operations: int
    supports_audio_only: bool = True
    supports_subtitles: bool = True
    supports_watermark_free: bool = True


@dataclass(frozen=True)
class DownloadProgress:
    """One progress report of the file being downloaded."""

    #: 0-100 (0 while the total is unknown).
    percentage: float
    downloaded_bytes: int
    #: ``None`` while unknown.
    total_bytes: Optional[int]
    #: Bytes per second in this run.
    speed: float
    #: Seconds left, when known.
    eta: Optional[float]


@dataclass
class DownloadResult:
    """What became of one post. ``success`` is False for content and connection failures,
    with ``error`` saying why; ``error_context`` is the same failure's context."""

    success: bool
    file_path: Optional[Path]
    files: List[Path]
    file_size: int
    #: Seconds the download took.
    duration: float
    format_id: Optional[str]
    error: Optional[str]
    url: str = ""
    platform_id: Optional[str] = None
    #: ``downloaded``, ``already_downloaded``, ``skipped`` or ``failed``.
    status: str = ""
    error_code: Optional[str] = None
    error_context: Optional[Any] = field(default=None, repr=False)

    @classmethod
    def _from_json(cls, text: str) -> "DownloadResult":
        from ._errors import from_json

        raw = json.loads(text)
        files = raw.get("files") or []
        paths = [Path(f["path"]) for f in files]
        main = next(
            (Path(f["path"]) for f in files if f.get("role") in ("video", "audio")),
            paths[0] if paths else None,
        )
        err = raw.get("error")
        status = raw.get("status") or ""
        return cls(
            success=status in ("downloaded", "already_downloaded", "skipped"),
            file_path=main,
            files=paths,
            file_size=int(raw.get("filesize") or 0),
            duration=float(raw.get("seconds") or 0.0),
            format_id=raw.get("format_id"),
            error=None if err is None else err["message"],
            url=raw.get("url") or "",
            platform_id=raw.get("id"),
            status=status,
            error_code=None if err is None else err["code"],
            error_context=None if err is None else from_json(err).context,
        )
