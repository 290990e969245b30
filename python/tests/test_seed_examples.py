"""Every code example of the handler document (tests/data/tiktok-handler.md, a copy of the
shared seed document) runs as written, with two changes only:

* the import lines: ``platforms.tiktok``, ``platforms.base`` and
  ``platforms.tiktok.enhanced_handler`` become ``tikdl``; the ``TikTokHandler`` and
  ``EnhancedTikTokHandler`` they import add the imitation's ``proxy_config`` and ``ca_cert`` to
  whatever config the example passes, as a user pointing the handler at a proxy would;
* the document's placeholder URL (``.../video/1234567890``, not a real post id) becomes a post
  the imitation serves.

Blocks that are signatures rather than code (they do not compile) and the migration guide's
"old approach" (another library) are not run; a test lists which, so none is skipped silently.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import io
import re
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import tikdl

from conftest import DESKTOP_URL, REMOVED_URL, REPO

DOC = Path(__file__).parent / "data" / "tiktok-handler.md"
PLACEHOLDER = "https://www.tiktok.com/@user/video/1234567890"
IMPORTS = {
    "from platforms.tiktok.enhanced_handler import": "from tikdl_seed_shim import",
    "from platforms.tiktok import": "from tikdl_seed_shim import",
    "from platforms.base import": "from tikdl_seed_shim import",
}


def blocks() -> List[Tuple[str, str]]:
    """(heading, code) of every python block, in document order."""
    out = []
    heading = ""
    text = DOC.read_text(encoding="utf-8")
    for m in re.finditer(r"^(#+ [^\n]*)$|^```python\n(.*?)^```", text, re.M | re.S):
        if m.group(1):
            heading = m.group(1).lstrip("# ").strip()
        else:
            out.append((heading, m.group(2)))
    return out


def runnable(code: str) -> bool:
    if "utils.downloader" in code:
        return False
    try:
        compile(code, "<seed>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError:
        return False
    return True


def rewrite(code: str) -> str:
    for old, new in IMPORTS.items():
        code = code.replace(old, new)
    return code.replace(PLACEHOLDER, DESKTOP_URL)


def test_the_copy_is_the_shared_document() -> None:
    # CI has shared/ beside the clone; a developer's worktree has it one level further up.
    found = [p / "shared" / "seed" / "tiktok-handler.md" for p in (REPO.parent, REPO.parent.parent)]
    found = [p for p in found if p.exists()]
    if not found:
        pytest.skip("no shared/ beside this checkout")
    shared = found[0]
    assert shared.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")


def test_only_signatures_and_the_old_library_are_left_out() -> None:
    left_out = [(h, c.splitlines()[0]) for h, c in blocks() if not runnable(c)]
    assert left_out == [
        ("Constructor", "TikTokHandler(auth_info: Optional[Any] = None, config: Optional[Dict[str, Any]] = None)"),
        ("get_capabilities()", "def get_capabilities() -> PlatformCapabilities"),
        ("is_valid_url()", "def is_valid_url(url: str) -> bool"),
        ("get_video_info()", "async def get_video_info(url: str) -> PlatformVideoInfo"),
        ("download_video()", "async def download_video("),
        ("From utils/downloader.py", "# Old approach"),
    ]
    # Everything else runs below.
    assert sum(runnable(c) for _, c in blocks()) == 15


@pytest.fixture
def shim(imitation: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The module the rewritten import lines read: tikdl's names, with handlers that reach the
    imitation. Also a scratch working folder (the examples write `downloads/...`)."""
    import sys
    import types

    network = {
        "proxy_config": {"enabled": True, "proxy_url": imitation.proxy_url},
        "ca_cert": imitation.ca,
        "cache_dir": str(tmp_path / "cache"),
    }

    def with_network(config: Any) -> Dict[str, Any]:
        merged = dict(config or {})
        merged.update(network)
        return merged

    class TikTokHandler(tikdl.TikTokHandler):
        def __init__(self, auth_info: Any = None, config: Any = None) -> None:
            super().__init__(auth_info=auth_info, config=with_network(config))

    class EnhancedTikTokHandler(tikdl.EnhancedTikTokHandler):
        def __init__(self, auth_info: Any = None, config: Any = None) -> None:
            super().__init__(auth_info=auth_info, config=with_network(config))

    mod = types.ModuleType("tikdl_seed_shim")
    for name in tikdl.__all__:
        setattr(mod, name, getattr(tikdl, name))
    mod.TikTokHandler = TikTokHandler  # type: ignore[attr-defined]
    mod.EnhancedTikTokHandler = EnhancedTikTokHandler  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tikdl_seed_shim", mod)
    monkeypatch.chdir(tmp_path)
    # The configuration examples name a cookies file; give it one (empty: no cookies).
    (tmp_path / "tiktok_cookies.txt").write_text("# Netscape HTTP Cookie File\n")


async def run(code: str, ns: Dict[str, Any]) -> str:
    """Runs one block (top-level `await` allowed) in `ns`; what it printed."""
    out = io.StringIO()
    compiled = compile(rewrite(code), "<seed>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    with contextlib.redirect_stdout(out):
        result = eval(compiled, ns)
        if asyncio.iscoroutine(result):
            await result
    return out.getvalue()


async def test_every_example_runs_against_the_imitation(shim: None, tmp_path: Path) -> None:
    code = {h: c for h, c in blocks() if runnable(c)}
    ns: Dict[str, Any] = {"__name__": "seed"}

    # Quick start calls asyncio.run itself: it gets a thread of its own (no loop running there).
    quick = code["Quick Start"]
    out = io.StringIO()

    def quick_start() -> None:
        with contextlib.redirect_stdout(out):
            exec(compile(rewrite(quick), "<seed>", "exec"), {"__name__": "__main__"})

    await asyncio.to_thread(quick_start)
    printed = out.getvalue()
    assert "Title: " in printed and "Creator: " in printed and "Views: " in printed, printed
    assert "Downloaded: downloads/tiktok_video.mp4" in printed, printed
    assert (tmp_path / "downloads" / "tiktok_video.mp4").stat().st_size > 0

    printed = await run(code["Initializing the Handler"], ns)
    assert isinstance(ns["handler"], tikdl.TikTokHandler)
    assert "your_session_token" not in repr(ns["handler"])

    assert await run(code["URL Validation"], ns) == "URL is supported\n"

    ns["url"] = DESKTOP_URL
    await run(code["Getting Video Information"], ns)
    printed = await run("await get_video_details()", ns)
    assert "Error getting video info" not in printed, printed
    assert "Title: " in printed and "Hashtags: [" in printed and "Mentions: [" in printed
    assert re.search(r"Views: \d{1,3}(,\d{3})*\n", printed), printed
    assert re.search(r"Upload Date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00\n", printed), printed
    assert "Format: hd - mp4" in printed and "Format: audio - mp3" in printed, printed

    await run(code["Downloading Videos"], ns)
    printed = await run("await download_video()", ns)
    assert "Download completed: downloads/my_video.mp4" in printed, printed
    assert "Progress: 100.0% - " in printed, printed
    assert printed.count("Progress: 100.0%") == 1, printed
    assert re.search(r"Duration: \d+\.\d\d seconds", printed)

    printed = await run(code["get_capabilities()"], ns)
    assert printed == (
        "Supports download: True\nSupports metadata: True\nSupported formats: ['mp4', 'mp3', 'jpg']\n"
    )

    printed = await run(code["get_video_info()"], ns)
    assert printed.startswith("Video ID: 7608826249200356630\nTitle: "), printed

    await run(code["download_video()"], ns)
    assert ns["result"].success and (tmp_path / "video.mp4").exists()

    printed = await run(code["Enhanced Handler (Performance Optimized)"], ns)
    assert re.fullmatch(r"Cache hit rate: \d+\.\d%\nOperations per second: \d+\.\d\n", printed), printed

    for heading in ("Authentication Configuration", "Performance Configuration", "Rate Limiting Configuration"):
        await run(code[heading], ns)
    # The configuration examples' dicts are handler configs: each is accepted as written.
    tikdl.TikTokHandler(config=ns["auth_config"])
    tikdl.TikTokHandler(config=ns["performance_config"])
    tikdl.TikTokHandler(config={"rate_limit_config": ns["rate_limit_config"]})

    ns["url"] = REMOVED_URL
    ns["PlatformContentError"] = tikdl.PlatformContentError
    ns["PlatformConnectionError"] = tikdl.PlatformConnectionError
    ns["PlatformError"] = tikdl.PlatformError
    printed = await run(code["Error Context"], ns)
    assert printed.startswith("Content error: "), printed
    assert "7000000000000010204: the post was removed or never existed" in printed, printed
    assert "Operation: extract\nSuggestions: ['" in printed, printed

    await run(code["Error Recovery"], ns)
    assert ns["original_url"] == "https://vm.tiktok.com/ABC123"
    await run(code["Debug Mode"], ns)
