"""get_video_info in-process vs yt-dlp's YoutubeDL.extract_info(url, download=False) in-process,
on the same imitation post through its proxy; then 1,000 batch posts through one gather.

    python -m venv v && v/bin/pip install ./python yt-dlp
    cargo build --release -p tiktok-imitation
    v/bin/python benches/python/info_vs_ytdlp.py [CALLS] [POSTS]

Both sides are warm (the first calls are not counted) and uncached (tikdl's cache off; yt-dlp
has none); tikdl's pacing is off (yt-dlp has none). yt-dlp skips certificate checks
(`nocheckcertificate`): cheaper for it than checking, so the comparison does not favour tikdl.
Per call: wall time (perf_counter) and process CPU (process_time: every thread, tikdl's Rust
runtime threads included). The 1,000-post run is a child process, so its peak RSS is its own.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
URL = "https://www.tiktok.com/@emthenutritionist/video/7608826249200356630"
BATCH_BASE = 7300000000000100000


def start_imitation(tmp: Path) -> "tuple[subprocess.Popen[str], str, str]":
    binary = REPO / "target" / "release" / "tiktok-imitation"
    if not binary.exists():
        subprocess.run(["cargo", "build", "-q", "--release", "-p", "tiktok-imitation"], cwd=REPO, check=True)
    ca = tmp / "ca.pem"
    proc = subprocess.Popen([str(binary), "--ca-out", str(ca)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    m = re.match(r"listening on (127\.0\.0\.1:\d+)", proc.stdout.readline())
    assert m
    return proc, f"http://{m.group(1)}", str(ca)


def tikdl_config(proxy: str, ca: str, jobs: int = 5) -> dict:
    return {
        "proxy_config": {"enabled": True, "proxy_url": proxy},
        "ca_cert": ca,
        "enable_caching": False,
        "rate_limit_config": {"enabled": False},
        "max_concurrent_operations": jobs,
    }


def measure(call, calls: int) -> "tuple[float, float]":
    """Median wall and CPU milliseconds per call (after 5 warm-up calls)."""
    for _ in range(5):
        call()
    walls, cpus = [], []
    for _ in range(calls):
        w, c = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls) * 1e3, statistics.median(cpus) * 1e3


def per_call(proxy: str, ca: str, calls: int) -> dict:
    import tikdl
    import yt_dlp

    loop = asyncio.new_event_loop()
    handler = tikdl.TikTokHandler(config=tikdl_config(proxy, ca))

    def tikdl_call() -> None:
        info = loop.run_until_complete(handler.get_video_info(URL))
        assert info.platform_id == "7608826249200356630"

    ydl = yt_dlp.YoutubeDL(
        {"proxy": proxy, "nocheckcertificate": True, "quiet": True, "no_warnings": True, "skip_download": True}
    )

    def ytdlp_call() -> None:
        info = ydl.extract_info(URL, download=False)
        assert info["id"] == "7608826249200356630"

    out = {}
    # Interleaved rounds, so that a busy moment on the machine hits both alike.
    rounds = {"tikdl": [], "yt-dlp": []}
    for _ in range(3):
        rounds["tikdl"].append(measure(tikdl_call, calls // 3))
        rounds["yt-dlp"].append(measure(ytdlp_call, calls // 3))
    for name, rs in rounds.items():
        out[name] = {
            "wall_ms": statistics.median(r[0] for r in rs),
            "cpu_ms": statistics.median(r[1] for r in rs),
        }
    loop.close()
    return out


def batch_child(proxy: str, ca: str, posts: int, jobs: int) -> None:
    import tikdl

    async def run() -> dict:
        h = tikdl.TikTokHandler(config=tikdl_config(proxy, ca, jobs))
        urls = [f"https://www.tiktok.com/@imitation/video/{BATCH_BASE + n}" for n in range(1, posts + 1)]
        w, c = time.perf_counter(), time.process_time()
        infos = await asyncio.gather(*(h.get_video_info(u) for u in urls))
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        assert len({i.platform_id for i in infos}) == posts
        return {"posts": posts, "jobs": jobs, "seconds": wall, "posts_per_s": posts / wall,
                "cpu_ms_per_post": cpu * 1e3 / posts}

    result = asyncio.run(run())
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--batch-child":
        batch_child(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
        return
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    posts = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        proc, proxy, ca = start_imitation(Path(tmp))
        try:
            figures = per_call(proxy, ca, calls)
            for name, f in figures.items():
                print(f"{name:7} get info, median per call: wall {f['wall_ms']:.2f} ms, CPU {f['cpu_ms']:.2f} ms")
            t, y = figures["tikdl"], figures["yt-dlp"]
            print(f"yt-dlp / tikdl: CPU {y['cpu_ms'] / t['cpu_ms']:.1f}x, wall {y['wall_ms'] / t['wall_ms']:.1f}x")
            for jobs in (16, 64):
                child = subprocess.run(
                    [sys.executable, __file__, "--batch-child", proxy, ca, str(posts), str(jobs)],
                    capture_output=True, text=True, check=True,
                )
                r = json.loads(child.stdout)
                print(f"{r['posts']} posts in one gather, {jobs} at once: {r['posts_per_s']:.0f} posts/s, "
                      f"{r['cpu_ms_per_post']:.2f} ms CPU/post, peak RSS {r['peak_rss_mib']:.0f} MiB")
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
