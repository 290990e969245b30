"""The Rust module (private: use the ``tikdl`` package)."""

import asyncio
from typing import Any, Awaitable, Callable, List, Optional, final


__all__ = ["Handler", "BatchRun", "NativeError", "__version__"]

__version__: str

class NativeError(Exception): ...

@final
class Handler:
    def __new__(cls, config: Optional[Any] = None, auth_info: Optional[Any] = None) -> "Handler": ...
    def settings_text(self) -> str: ...
    def auth_kind(self) -> Optional[str]: ...
    def max_concurrent_operations(self) -> int: ...
    def url_kinds(self) -> List[str]: ...
    def is_valid_url(self, url: str) -> bool: ...
    def stats_json(self) -> str: ...
    def video_info(self, url: str) -> Awaitable[str]: ...
    def download(
        self,
        url: str,
        base: str,
        template: str,
        quality: Optional[str] = None,
        codec: Optional[str] = None,
        audio_only: bool = False,
        rate_limit: Optional[int] = None,
        progress: Optional[Callable[[int, Optional[int], float, Optional[float]], None]] = None,
    ) -> "asyncio.Future[str]": ...
    def batch(
        self,
        urls: List[str],
        base: str,
        template: str,
        quality: Optional[str] = None,
        codec: Optional[str] = None,
        audio_only: bool = False,
        rate_limit: Optional[int] = None,
        archive: Optional[str] = None,
        failed_file: Optional[str] = None,
        jobs: Optional[int] = None,
    ) -> BatchRun: ...

@final
class BatchRun:
    def next(self) -> Awaitable[Optional[str]]: ...
    def cancel(self) -> None: ...
