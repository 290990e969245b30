"""The exceptions, and how tikdl's errors become them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence


@dataclass(frozen=True)
class ErrorContext:
    """What tikdl was doing when it failed, and what to try next."""

    #: tikdl's step: ``parse_url``, ``resolve_short_link``, ``fetch_page``, ``extract``,
    #: ``fetch_api``, ``download``, ``write``, ``setup``.
    operation: str
    #: The URL it was working on (``None`` for local and setup errors).
    url: Optional[str]
    #: tikdl's stable error code (``removed``, ``private_post``, ``timeout``, ...).
    code: str
    #: tikdl's hints, in the order to try them.
    recovery_options: List[str] = field(default_factory=list)
    #: ``content``, ``connection``, ``platform``, ``local`` or ``config``.
    kind: str = "platform"


class PlatformError(Exception):
    """Any tikdl failure. ``context`` says where and what to try next."""

    context: ErrorContext

    def __init__(self, message: str, context: Optional[ErrorContext] = None) -> None:
        super().__init__(message)
        self.context = context or ErrorContext(operation="unknown", url=None, code="unknown")

    def __reduce__(self) -> Any:
        # Pickled with its context (to and from worker processes), whatever the subclass.
        return (type(self), (str(self), self.context))


class PlatformContentError(PlatformError):
    """TikTok answered, but the post cannot be had: removed, private, login or region
    restricted, or not a TikTok URL."""


class PlatformConnectionError(PlatformError):
    """The network exchange failed: DNS, refused, TLS, proxy, timeout, rate limit, blocked."""


def from_native(args: Sequence[object]) -> PlatformError:
    """The exception for a ``_native.NativeError``'s args."""
    kind, code, message, operation, url, hints = args
    context = ErrorContext(
        operation=str(operation),
        url=None if url is None else str(url),
        code=str(code),
        recovery_options=[str(h) for h in hints],  # type: ignore[attr-defined]
        kind=str(kind),
    )
    cls = {
        "content": PlatformContentError,
        "connection": PlatformConnectionError,
    }.get(str(kind), PlatformError)
    return cls(str(message), context)


def from_json(err: Dict[str, Any]) -> PlatformError:
    """The exception for an error inside a result's JSON."""
    return from_native(
        (err["kind"], err["code"], err["message"], err["operation"], err.get("url"), err.get("hints", []))
    )
