#!/usr/bin/env python3
"""Regenerates fuzz/seeds/<target>/ from tests/fixtures and the unit tests in src/.

The committed seeds are the output of this script (plus nothing else), so rerun it after a
capture or a test changes: `python3 fuzz/make_seeds.py`. Every seed stays under 64 KB: captured
pages (250-800 KB) are cut down to the embedded JSON script the extractor reads, with long
lists and strings shortened.
"""

import hashlib
import json
import re
import shutil
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
FIX = ROOT / "tests" / "fixtures"
SEEDS = FUZZ / "seeds"
MAX_SEED = 64 * 1024

UNIVERSAL = "__UNIVERSAL_DATA_FOR_REHYDRATION__"
SIGI = "SIGI_STATE"
NEXT = "__NEXT_DATA__"


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    assert len(data) < MAX_SEED, f"{target}/{name}: {len(data)} bytes"
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def short_name(text):
    if isinstance(text, str):
        text = text.encode()
    return hashlib.sha1(text).hexdigest()[:12]


def shrink(v, depth=0, max_list=2, max_str=300):
    """Keeps the shape, drops bulk: lists to their first items, long strings cut."""
    if isinstance(v, dict):
        items = list(v.items())
        if items and all(k.isdigit() for k, _ in items):
            items = items[:max_list]  # maps keyed by post id (SIGI's ItemModule)
        return {k: shrink(x, depth + 1, max_list, max_str) for k, x in items}
    if isinstance(v, list):
        return [shrink(x, depth + 1, max_list, max_str) for x in v[:max_list]]
    if isinstance(v, str) and len(v) > max_str:
        return v[:max_str]
    return v


def fit(v):
    """The largest shrink of v that serializes under the seed limit (with room for a tag)."""
    for max_list, max_str in [(3, 400), (2, 300), (2, 120), (1, 80), (1, 40)]:
        text = json.dumps(shrink(v, 0, max_list, max_str), ensure_ascii=False,
                          separators=(",", ":"))
        if len(text.encode()) < MAX_SEED - 512:
            return text
    raise SystemExit("capture too large even after shrinking")


def script_json(html, id_):
    m = re.search(r'<script[^>]*id="' + re.escape(id_) + r'"[^>]*>(.*?)</script>', html, re.S)
    return json.loads(m.group(1)) if m else None


def tag(id_, body, title="TikTok"):
    return (f"<html><head><title>{title}</title></head><body>"
            f'<script id="{id_}" type="application/json">{body}</script></body></html>')


def extract_page():
    t = "extract_page"
    # Small captures as they are.
    for f in ["web_waf_js_challenge_cs_wci_rci_rs_2026-03.html",
              "web_empty_shell_no_rehydration_2026-06.html"]:
        write(t, f, (FIX / f).read_bytes())
    # Big pages: only the script the extractor reads, cut down.
    for f in sorted(FIX.glob("*.html")):
        html = f.read_text(encoding="utf-8", errors="replace")
        u = script_json(html, UNIVERSAL)
        if u is not None:
            scope = u.get("__DEFAULT_SCOPE__", {})
            keep = {k: v for k, v in scope.items()
                    if k in ("webapp.video-detail", "webapp.reflow.video.detail",
                             "webapp.user-detail", "webapp.app-context")}
            write(t, f.stem + ".universal.html", tag(UNIVERSAL, fit({"__DEFAULT_SCOPE__": keep})))
        s = script_json(html, SIGI)
        if s is not None:
            keep = {k: v for k, v in s.items()
                    if k in ("ItemModule", "UserModule", "VideoPage", "UserPage", "ItemList")}
            write(t, f.stem + ".sigi.html", tag(SIGI, fit(keep)))
            write(t, f.stem + ".sigi-assign.html",
                  "<script>window['SIGI_STATE']=" + fit(keep) + ";window['SIGI_RETRY']={}</script>")
    # JSON captures: SIGI state of a video page, list APIs, item detail.
    sigi = json.loads((FIX / "web_video_sigi_state_itemmodule_2023-06.json").read_text())
    write(t, "web_video_sigi_state_itemmodule_2023-06.html", tag(SIGI, fit(sigi)))
    for f in sorted(FIX.glob("*.json")):
        write(t, f.name, fit(json.loads(f.read_text())))
    # Hand-made shapes from the unit tests.
    item = ('{"id":"7608826249200356631","createTime":"1700000000","stats":{"playCount":"12"},'
            '"video":"weird"}')
    write(t, "universal_strings.html", tag(
        UNIVERSAL, '{"__DEFAULT_SCOPE__":{"webapp.video-detail":{"statusCode":"0","itemInfo":'
        '{"itemStruct":' + item + '}}}}'))
    write(t, "next_data.html", tag(
        NEXT, '{"props":{"pageProps":{"statusCode":0,"itemInfo":{"itemStruct":' + item + '}}}}'))
    write(t, "sigi_status.html",
          "<script>window['SIGI_STATE']={\"VideoPage\":{\"statusCode\":10204}};</script>")
    write(t, "private_profile.html", tag(
        UNIVERSAL, '{"__DEFAULT_SCOPE__":{"webapp.user-detail":{"statusCode":10222,'
        '"statusMsg":"ErrBizUserSecret","userInfo":{"user":{"secUid":"x"}}}}}'))
    write(t, "list_wrapped.json",
          '{"data":{"statusCode":0,"itemList":[' + item + '],"cursor":"1","hasMore":true}}')
    write(t, "title_only.html", "<html><title>Oops</title></html>")


def rust_strings(src):
    """Plain "..." literals of a Rust file (escapes \\n \\t \\" \\\\ \\u{..} decoded)."""
    out = []
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', src):
        s = m.group(1)
        s = re.sub(r"\\u\{([0-9a-fA-F]+)\}", lambda x: chr(int(x.group(1), 16)), s)
        s = (s.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r")
             .replace('\\"', '"').replace("\\0", "\0").replace("\\\\", "\\"))
        out.append(s)
    return out


def url_parse():
    t = "url_parse"
    src = (ROOT / "src" / "url.rs").read_text()
    tests = src[src.index("#[cfg(test)]"):]
    ids = {"{ID}": "7234567890123456789"}
    seen = set()
    for s in rust_strings(tests):
        for k, v in ids.items():
            s = s.replace(k, v)
        if ("tiktok" in s or "://" in s or "/" in s) and s not in seen and len(s) < 4096:
            seen.add(s)
            write(t, short_name(s), s)
    for s in ["https://www.tiktok.com/@user.name/collection/My%20list-7234567890123456789",
              "https://www.tiktok.com/music/original%2Fsound-7234567890123456789",
              "https://www.tiktok.com/tag/%F0%9F%90%B1",
              "https://vt.tiktok.com/ZSabc-_9/",
              "www.tiktok.com/t/ZTabc/"]:
        write(t, short_name(s), s)


POST = {
    "id": "7608826249200356630", "title": "Cats: the movie?", "uploader": "someone",
    "ext": "mp4", "view_count": 12345, "count_text": "42", "duration": 15.7,
    "negative": -7, "index": 7, "flag": True, "nothing": None, "hashtags": ["cat", "funny"],
    "music": {"duration": 30, "title": "orig/sound"}, "empty": "",
}


def template():
    t = "template"
    src = (ROOT / "src" / "template.rs").read_text()
    tests = src[src.index("#[cfg(test)]"):]
    templates = set()
    for s in rust_strings(tests):
        if "%" in s or "/" in s:
            templates.add(s)
    templates.add("%(uploader)s - %(title).80s [%(id)s].%(ext)s")
    fields = json.dumps(POST, ensure_ascii=False)
    for tpl in sorted(templates):
        data = tpl + "\0" + fields
        write(t, short_name(data), data)
    # Raw NUL-separated values: title, uploader, id, ext, description, music.title, hashtag, index.
    hostile = ["../..", "/etc/passwd", "CON", "a\x01b\u202e4pm.exe", "x" * 300, "\U0001F431" * 75,
               "..\\..\\windows", "  .hidden", "title . . "]
    for h in hostile:
        data = "%(uploader)s/%(title)s.%(ext)s\0" + h + "\0someone\0" + "1" * 19 + "\0mp4"
        write(t, short_name(data), data)
    data = ("%(music.title)s/%(hashtags.0)s/%(index)03d %(description|none).20s\0"
            "t\0u\0" + "1" * 19 + "\0mp4\0desc\0orig/sound\0tag\07")
    write(t, short_name(data), data)


def cookies():
    t = "cookies"
    write(t, "yt_dlp_cookies.txt",
          "# Netscape HTTP Cookie File\n"
          "# This file is generated by yt-dlp.  Do not edit.\n\n"
          ".tiktok.com\tTRUE\t/\tTRUE\t1900000000\ttt_chain_token\tAbCdEf123==\n"
          "#HttpOnly_.tiktok.com\tTRUE\t/\tTRUE\t1900000000\tsessionid\t0123456789abcdef\n"
          "www.tiktok.com\tFALSE\t/\tFALSE\t0\ttt_csrf_token\tx-Yz_1\n"
          ".tiktok.com\tTRUE\t/api\tTRUE\t1900000000.5\tttwid\t1%7Cabc%7C1700000000\n"
          ".youtube.com\tTRUE\t/\tTRUE\t1900000000\tPREF\tf6=40000000\n")
    write(t, "variants_crlf_bom.txt",
          "\ufeff# HTTP Cookie File\r\n\r\n   \r\n"
          "tiktok.com\ttrue\t/\tFalse\t1700000000.5\ta\t1\r\n"
          "tiktok.com\tTRUE\t/\tFALSE\t1800000000.\tempty7\t\r\n"
          "tiktok.com\tTRUE\t/\tFALSE\t0\tempty6\r\n"
          "#HTTPONLY_tiktok.com\tTRUE\t/api\tFALSE\t\tb\tx\r\n")
    write(t, "bad_spaces.txt", ".tiktok.com TRUE / TRUE 0 sessionid secret\n")
    write(t, "bad_flag.txt", ".tiktok.com\tyes\t/\tTRUE\t0\tsessionid\tsecret\n")
    write(t, "bad_expiry.txt", ".tiktok.com\tTRUE\t/\tTRUE\tsoon\tsessionid\tsecret\n")
    write(t, "json_export.txt", '[{"name":"sessionid","value":"secret"}]\n')
    # Found by the fuzzer (a harness bug, fixed there): a leading TAB before #HttpOnly_ is
    # trimmed, shifting the fields, so the harness's value canary landed in the name.
    write(t, "regress_leading_tab_httponly.txt",
          "\t#HttpOnly_tiktok.com\tTRUE\t/api\tFALSE\t\t\tbx\n")


def config():
    t = "config"
    src = (ROOT / "src" / "config.rs").read_text()
    doc = "\n".join(l[len("//! "):] if l.startswith("//! ") else ""
                    for l in src.splitlines() if l.startswith("//!"))
    m = re.search(r"```toml\n(.*?)```", doc, re.S)
    if m:
        write(t, "doc_example.toml", m.group(1))
    for i, m in enumerate(re.finditer(r'r#"(.*?)"#', src[src.index("#[cfg(test)]"):], re.S)):
        body = m.group(1)
        if "=" in body or "[" in body:
            write(t, f"unit_test_{i:02}.toml", body)
    write(t, "every_section.toml", """\
enable_caching = false
cache_dir = "~/cache"
cache_ttl = 0x10
max_concurrent_operations = 64
request_timeout = 1.5e1
retry_backoff = 0
[rate_limit]
requests_per_minute = 1_000
adaptive_limiting = false
[proxy]
urls = ["http://user:pass@127.0.0.1:8080", "socks5h://127.0.0.1:9050"]
[headers]
user_agent = "Mozilla/5.0"
custom_headers = { "Cookie" = "sessionid=x", "Accept-Language" = "fr-FR" }
[session]
cookies_file = "cookies.txt"
[download]
output = "%(uploader)s/%(id)s.%(ext)s"
quality = "1080"
codec = "hevc"
unknown = 1
""")


def main():
    if SEEDS.exists():
        shutil.rmtree(SEEDS)
    extract_page()
    url_parse()
    template()
    cookies()
    if (ROOT / "src" / "config.rs").exists():
        config()
    total = sum(p.stat().st_size for p in SEEDS.rglob("*") if p.is_file())
    count = sum(1 for p in SEEDS.rglob("*") if p.is_file())
    print(f"{count} seeds, {total} bytes")


if __name__ == "__main__":
    main()
