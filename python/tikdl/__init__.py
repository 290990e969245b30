"""tikdl: TikTok metadata and downloads from asyncio, on tikdl's Rust engine.

The API follows the TikTok platform handler's document (``TikTokHandler``, ``get_video_info``,
``download_video``, ...); the work runs in Rust on one shared runtime with the GIL released.
"""

from ._errors import PlatformConnectionError, PlatformContentError, PlatformError
from ._handler import EnhancedTikTokHandler, TikTokHandler
from ._types import (
    DownloadProgress,
    DownloadResult,
    PlatformCapabilities,
    PlatformVideoInfo,
    QualityLevel,
    VideoFormat,
)

__all__ = [
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
