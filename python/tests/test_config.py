"""Every config key lands on its tikdl setting (read back through `settings()`, the text of
`tikdl config show`); unknown and ill-typed keys raise ValueError naming them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict

import pytest

import tikdl


def shown(config: Dict[str, Any], auth: Any = None) -> str:
    return tikdl.TikTokHandler(config=config, auth_info=auth).settings()


def line(text: str, key: str) -> str:
    m = re.search(rf"^#? ?{re.escape(key)} (?:= )?(.*?)\s+# \w+$", text, re.M)
    assert m, f"{key} not in\n{text}"
    return m.group(1)


def section(text: str, name: str) -> str:
    return text.split(f"[{name}]\n", 1)[1].split("\n[", 1)[0]


def test_defaults() -> None:
    s = shown({})
    assert line(s, "enable_caching") == "true"
    assert line(s, "cache_ttl") == "1800"
    assert line(s, "cache_max_size") == "1000"
    assert line(s, "max_concurrent_operations") == "5"
    assert line(s, "request_timeout") == "30.0"
    assert line(s, "retry_attempts") == "3"
    assert line(s, "retry_backoff") == "1.0"
    assert "download_rate_limit = none" in s
    assert tikdl.TikTokHandler().get_capabilities().max_concurrent_operations == 5


def test_every_top_level_key(tmp_path: Path, imitation: Any) -> None:
    ca = imitation.ca
    s = shown(
        {
            "enable_caching": False,
            "cache_ttl": 60,
            "cache_max_size": 7,
            "cache_dir": str(tmp_path / "c"),
            "enable_concurrent_processing": True,
            "max_concurrent_operations": 9,
            "request_timeout": 12,
            "retry_attempts": 1,
            "retry_backoff": 0.25,
            "download_rate_limit": "8M",
            "ca_cert": str(ca),
            "enable_authentication": False,
            "connection_pool_size": 10,
        }
    )
    assert line(s, "enable_caching") == "false"
    assert line(s, "cache_ttl") == "60"
    assert line(s, "cache_max_size") == "7"
    assert line(s, "cache_dir") == f'"{tmp_path / "c"}"'
    assert line(s, "max_concurrent_operations") == "9"
    assert line(s, "request_timeout") == "12.0"
    assert line(s, "retry_attempts") == "1"
    assert line(s, "retry_backoff") == "0.25"
    assert "download_rate_limit = 8388608" in s
    assert "download_rate_limit = 1000" in shown({"download_rate_limit": 1000})
    h = tikdl.TikTokHandler(config={"enable_concurrent_processing": False, "max_concurrent_operations": 8})
    assert h.get_capabilities().max_concurrent_operations == 1
    with pytest.raises(ValueError, match="missing.pem"):
        tikdl.TikTokHandler(config={"ca_cert": str(tmp_path / "missing.pem")})


def test_every_section_key(tmp_path: Path) -> None:
    cookies = tmp_path / "cookies.txt"
    cookies.write_text("# Netscape HTTP Cookie File\n")
    s = shown(
        {
            "session_config": {"cookies_file": str(cookies), "session_timeout": 3600, "auto_refresh": True},
            "headers_config": {
                "user_agent_rotation": True,
                "rotation_interval": 100,
                "custom_headers": {"Accept-Language": "fr-FR", "www.tiktok.com:X-One": "1"},
            },
            "proxy_config": {
                "enabled": True,
                "proxy_url": "http://127.0.0.1:8080",
                "proxy_urls": ["socks5h://127.0.0.1:9050"],
                "rotation_enabled": False,
            },
            "rate_limit_config": {
                "enabled": True,
                "requests_per_minute": 30,
                "burst_limit": 2,
                "cooldown_period": 60,
                "adaptive_limiting": False,
            },
        }
    )
    assert line(section(s, "session"), "cookies_file") == f'"{cookies}"'
    h = section(s, "headers")
    assert line(h, "user_agent_rotation") == "true" and line(h, "rotation_interval") == "100"
    assert '"Accept-Language" = "(redacted)"' in h and '"www.tiktok.com:X-One" = "(redacted)"' in h
    p = section(s, "proxy")
    assert line(p, "urls") == '["http://127.0.0.1:8080", "socks5h://127.0.0.1:9050"]'
    assert line(p, "rotation_enabled") == "false"
    r = section(s, "rate_limit")
    assert (line(r, "requests_per_minute"), line(r, "burst_limit")) == ("30", "2")
    assert (line(r, "cooldown_period"), line(r, "adaptive_limiting")) == ("60", "false")
    assert "user_agent = \"tikdl-test/1\"" in shown({"headers_config": {"user_agent": "tikdl-test/1"}})


def test_switches_turn_things_off() -> None:
    assert line(shown({"rate_limit_config": {"enabled": False}}), "requests_per_minute") == "0"
    off = shown({"proxy_config": {"enabled": False, "proxy_url": "http://proxy:8080"}})
    assert line(section(off, "proxy"), "urls") == "[]"
    # A URL without `enabled` is used: traffic meant for a proxy never leaves directly.
    on = shown({"proxy_config": {"proxy_url": "http://proxy:8080"}})
    assert line(section(on, "proxy"), "urls") == '["http://proxy:8080"]'
    with pytest.raises(ValueError, match="proxy_config.enabled"):
        shown({"proxy_config": {"enabled": True}})


def test_auth_info(tmp_path: Path) -> None:
    cookies = tmp_path / "c.txt"
    cookies.write_text("# Netscape HTTP Cookie File\n")
    h = tikdl.TikTokHandler(auth_info={"cookies_file": str(cookies)})
    assert line(section(h.settings(), "session"), "cookies_file") == f'"{cookies}"'
    assert "auth=cookies_file" in repr(h)
    h = tikdl.TikTokHandler(auth_info={"session_token": "abc", "api_key": "k"})
    assert "auth=session_token" in repr(h) and "abc" not in repr(h) + h.settings()
    with pytest.raises(ValueError, match="auth_info.password"):
        tikdl.TikTokHandler(auth_info={"password": "x"})


@pytest.mark.parametrize(
    "config, named",
    [
        ({"cache_tll": 5}, "unknown config key 'cache_tll' (did you mean 'cache_ttl'?)"),
        ({"proxy_config": {"proxy_ulr": "http://a:1"}}, "unknown config key 'proxy_config.proxy_ulr'"),
        ({"rate_limit_config": {"burst": 3}}, "unknown config key 'rate_limit_config.burst'"),
        ({"headers_config": {"agent": "x"}}, "unknown config key 'headers_config.agent'"),
        ({"session_config": {"cookie_file": "x"}}, "unknown config key 'session_config.cookie_file'"),
        ({"cache_ttl": "soon"}, "config key 'cache_ttl': must be a whole number"),
        ({"cache_ttl": True}, "config key 'cache_ttl': must be a whole number, not a bool"),
        ({"cache_ttl": -5}, "config key 'cache_ttl': is out of range"),
        ({"enable_caching": "yes"}, "config key 'enable_caching': must be True or False"),
        ({"max_concurrent_operations": 0}, "config key 'max_concurrent_operations': must be between 1 and 64"),
        ({"request_timeout": -1}, "config key 'request_timeout'"),
        ({"retry_backoff": float("nan")}, "config key 'retry_backoff'"),
        ({"download_rate_limit": "fast"}, "config key 'download_rate_limit'"),
        ({"headers_config": {"rotation_interval": 0}}, "headers_config.rotation_interval"),
        ({"proxy_config": {"proxy_url": "ftp://a:1"}}, "config key 'proxy_config.proxy_url'"),
        ({"proxy_config": "http://a:1"}, "proxy_config must be a dict"),
        ({"proxy_config": {"proxy_urls": "http://a:1"}}, "proxy_urls': must be a list of proxy URLs, not one str"),
        ("cache_ttl=5", "config must be a dict"),
    ],
)
def test_bad_keys_and_values_raise_naming_them(config: Any, named: str) -> None:
    with pytest.raises(ValueError) as e:
        tikdl.TikTokHandler(config=config)
    assert named in str(e.value)
