//! Which posts of a list to keep beyond paging: yt-dlp's `-I/--playlist-items` positions, and
//! the relative dates `--after`/`--before` accept. Both are parsed once, at the edge.
//!
//! Semantics follow yt-dlp (facts, not code): `PlaylistEntries.parse_playlist_items` and
//! `PlaylistEntries.__getitem__` in `yt_dlp/YoutubeDL.py` (1-based positions, `N-M` and
//! `N:M` inclusive, negative from the end, a step after a second colon); `date_from_str`,
//! `datetime_from_str` and `datetime_add_months` in `yt_dlp/utils/_utils.py` (`now`, `today`,
//! `yesterday`, `[+-]N(day|week|month|year)s?`, months clamped to the month's last day).

use std::fmt;
use std::str::FromStr;

/// One comma-separated part of `-I`: a position or a range, 1-based, negative from the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    start: Option<i64>,
    end: Option<i64>,
    step: i64,
}

/// `-I/--playlist-items`: the positions of a list to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Items {
    segments: Vec<Segment>,
    text: String,
}

impl Items {
    /// Whether a position can only be known once the list's length is (a negative index, or a
    /// backward range without a start).
    pub fn needs_length(&self) -> bool {
        self.segments.iter().any(|s| {
            s.start.is_some_and(|n| n < 0)
                || s.end.is_some_and(|n| n < 0)
                || (s.step < 0 && s.start.is_none())
        })
    }

    /// How many later posts must have been seen before a post's pick is known without the
    /// list's length: the largest position counted from the end (`-3:` needs 3). `None` when
    /// only the length decides, however many posts follow: a step other than -1 counted down
    /// from the end (`::-2` picks the odd or the even positions as the length is odd or even).
    pub(crate) fn lag(&self) -> Option<u64> {
        self.segments.iter().try_fold(0u64, |most, s| {
            let from_end = s.start.is_none_or(|n| n < 0);
            if s.step < -1 && from_end && s.end.is_none_or(|n| n > 0) {
                return None;
            }
            let deepest = [s.start, s.end]
                .into_iter()
                .flatten()
                .filter(|n| *n < 0)
                .map(i64::unsigned_abs)
                .max()
                .unwrap_or(0);
            Some(most.max(deepest))
        })
    }

    /// The last position any segment can take (`None`: open-ended), for lengths not needed.
    pub(crate) fn last(&self) -> Option<u64> {
        self.segments.iter().try_fold(0u64, |most, s| {
            let bound = if s.step > 0 { s.end } else { s.start }?;
            Some(most.max(u64::try_from(bound).unwrap_or(0)))
        })
    }

    /// How many posts of a list the positions can need (`None`: all of them): the pager stops
    /// there by itself, not a page later.
    pub(crate) fn bound(&self) -> Option<usize> {
        if self.needs_length() {
            return None;
        }
        self.last()
            .map(|l| usize::try_from(l).unwrap_or(usize::MAX))
    }

    /// Whether position `pos` (from 1) is picked; `len` is the list's length when known.
    pub fn contains(&self, pos: u64, len: Option<u64>) -> bool {
        let pos = i128::from(pos);
        let len = len.map(i128::from);
        let at = |n: i64| -> Option<i128> {
            let n = i128::from(n);
            if n >= 0 {
                Some(n)
            } else {
                len.map(|l| l + n + 1)
            }
        };
        self.segments.iter().any(|s| {
            let step = i128::from(s.step);
            if step > 0 {
                let Some(start) = s.start.map_or(Some(1), at) else {
                    return false;
                };
                let end = match s.end {
                    None => i128::MAX,
                    Some(e) => match at(e) {
                        Some(e) => e,
                        None => return false,
                    },
                };
                pos >= start && pos <= end && (pos - start) % step == 0
            } else {
                let (Some(start), Some(end)) = (s.start.map_or(len, at), s.end.map_or(Some(1), at))
                else {
                    return false;
                };
                pos <= start && pos >= end && (start - pos) % -step == 0
            }
        })
    }
}

/// What `-I` accepts, for error messages.
const ITEMS_SYNTAX: &str =
    "N, N-M, START:STOP[:STEP], comma-separated; negative counts from the end";

impl FromStr for Items {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let refuse = |part: &str, why: &str| {
            format!("-I {s:?}: {part:?} {why} (the syntax: {ITEMS_SYNTAX})")
        };
        let number = |part: &str, t: &str| -> Result<Option<i64>, String> {
            if t.is_empty() {
                return Ok(None);
            }
            let n: i64 = t.parse().map_err(|_| refuse(part, "is not a position"))?;
            if n == 0 {
                return Err(refuse(part, "names position 0; positions start at 1"));
            }
            Ok(Some(n))
        };
        let mut segments = Vec::new();
        for part in s.trim().split(',') {
            let part = part.trim();
            if part.is_empty() {
                return Err(refuse(part, "is empty (two commas in a row?)"));
            }
            // A range is `A:B[:C]` or `A-B`; a leading `-` is a negative number, not a range.
            let seg = if let Some((a, rest)) = part.split_once(':') {
                let (b, c) = match rest.split_once(':') {
                    Some((b, c)) => (b, Some(c)),
                    None => (rest, None),
                };
                let b = if matches!(b, "inf" | "infinite") {
                    ""
                } else {
                    b
                };
                let step = match c.map(str::trim) {
                    Some("0") => {
                        return Err(refuse(
                            part,
                            "has a step of 0, which never moves; give 1 or more, or a \
                             negative step to count down",
                        ));
                    }
                    Some(c) => number(part, c)?.unwrap_or(1),
                    None => 1,
                };
                Segment {
                    start: number(part, a)?,
                    end: number(part, b)?,
                    step,
                }
            } else if let Some(i) = part[1..].find('-').map(|i| i + 1) {
                let b = &part[i + 1..];
                let b = if matches!(b, "inf" | "infinite") {
                    ""
                } else {
                    b
                };
                Segment {
                    start: number(part, &part[..i])?,
                    end: number(part, b)?,
                    step: 1,
                }
            } else {
                let n = number(part, part)?;
                Segment {
                    start: n,
                    end: n,
                    step: 1,
                }
            };
            if selects_nothing(&seg) {
                return Err(refuse(
                    part,
                    "selects no position: its start lies past its end in the direction it \
                     counts (a range counts up; a negative step such as 5:2:-1 counts down)",
                ));
            }
            segments.push(seg);
        }
        Ok(Self {
            segments,
            text: s.trim().to_owned(),
        })
    }
}

/// Whether a segment picks no position of any list: both bounds counted from the same end,
/// the start past the end in the step's direction (`5-2`, `-1:-3`, `2:5:-1`). Bounds of mixed
/// ends (`-1:3`) depend on the list's length and are left to it.
fn selects_nothing(s: &Segment) -> bool {
    let (Some(a), Some(b)) = (s.start, s.end) else {
        return false;
    };
    if (a < 0) != (b < 0) {
        return false;
    }
    if s.step > 0 { a > b } else { a < b }
}

impl fmt::Display for Items {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Today's date in UTC.
fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// yt-dlp's DATE as a day: `YYYYMMDD`, `now`/`today`, `yesterday`, or one of them followed by
/// `+N` or `-N` days, weeks, months or years (`today-2weeks`, `20240131+1month` = 20240229).
pub fn parse_date(s: &str) -> Result<time::Date, String> {
    parse_date_from(s, today())
}

fn parse_date_from(s: &str, today: time::Date) -> Result<time::Date, String> {
    let t = s.trim().to_ascii_lowercase();
    let bad = || {
        format!(
            "{s:?} is not a date: YYYYMMDD, today, yesterday, now, or one of them +/- N \
             day(s), week(s), month(s) or year(s) (today-1week)"
        )
    };
    let start_len = t.find(['+', '-']).unwrap_or(t.len());
    let (start, offset) = t.split_at(start_len);
    let base = match start {
        "now" | "today" => today,
        "yesterday" => today.previous_day().ok_or_else(bad)?,
        _ if start.len() == 8 && start.bytes().all(|b| b.is_ascii_digit()) => {
            let num = |r: std::ops::Range<usize>| start[r].parse::<u8>().unwrap_or(0);
            let year = start[..4].parse::<i32>().unwrap_or(0);
            time::Month::try_from(num(4..6))
                .ok()
                .and_then(|m| time::Date::from_calendar_date(year, m, num(6..8)).ok())
                .ok_or_else(|| format!("{s:?} is not a day of the calendar (YYYYMMDD)"))?
        }
        _ => return Err(bad()),
    };
    if offset.is_empty() {
        return Ok(base);
    }
    let (sign, rest) = offset.split_at(1);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (n, unit) = rest.split_at(digits);
    let n: i64 = n.parse().map_err(|_| bad())?;
    let n = if sign == "-" { -n } else { n };
    let unit = unit.strip_suffix('s').unwrap_or(unit);
    let shifted = match unit {
        "day" => base.checked_add(time::Duration::days(n)),
        "week" => n
            .checked_mul(7)
            .and_then(|d| base.checked_add(time::Duration::days(d))),
        "month" => add_months(base, n),
        "year" => n.checked_mul(12).and_then(|m| add_months(base, m)),
        _ => return Err(bad()),
    };
    // Kept to years of four digits, so that text order stays date order.
    shifted
        .filter(|d| (1..=9999).contains(&d.year()))
        .ok_or_else(|| format!("{s:?} is outside the years 0001 to 9999"))
}

/// `date` moved by `months`, the day clamped to the last of the month it lands in.
fn add_months(date: time::Date, months: i64) -> Option<time::Date> {
    let index = i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = time::Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = date.day().min(month.length(year));
    time::Date::from_calendar_date(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> time::Date {
        parse_date_from(s, time::macros::date!(2026 - 03 - 31)).unwrap()
    }

    #[test]
    fn dates() {
        use time::macros::date;
        assert_eq!(d("20240101"), date!(2024 - 01 - 01));
        assert_eq!(d("today"), date!(2026 - 03 - 31));
        assert_eq!(d("now"), date!(2026 - 03 - 31));
        assert_eq!(d("yesterday"), date!(2026 - 03 - 30));
        assert_eq!(d("today-1week"), date!(2026 - 03 - 24));
        assert_eq!(d("now-2weeks"), date!(2026 - 03 - 17));
        assert_eq!(d("today-1month"), date!(2026 - 02 - 28));
        assert_eq!(d("20240131+1month"), date!(2024 - 02 - 29));
        assert_eq!(d("yesterday+3days"), date!(2026 - 04 - 02));
        assert_eq!(d("20240229-1year"), date!(2023 - 02 - 28));
        assert_eq!(d("today-13months"), date!(2025 - 02 - 28));
        for bad in [
            "20251331",
            "20250231",
            "2025",
            "tomorrow",
            "today-1",
            "today-week",
            "today-1fortnight",
            "",
            "today+-1day",
        ] {
            assert!(
                parse_date_from(bad, date!(2026 - 03 - 31)).is_err(),
                "{bad}"
            );
        }
    }

    fn picked(spec: &str, len: u64) -> Vec<u64> {
        let items: Items = spec.parse().unwrap();
        (1..=len)
            .filter(|p| items.contains(*p, Some(len)))
            .collect()
    }

    #[test]
    fn items() {
        assert_eq!(picked("1,3", 5), [1, 3]);
        assert_eq!(picked("2-4", 5), [2, 3, 4]);
        assert_eq!(picked("2:4", 5), [2, 3, 4]);
        assert_eq!(picked("1:5:2", 6), [1, 3, 5]);
        assert_eq!(picked("-1", 5), [5]);
        assert_eq!(picked("-2:", 5), [4, 5]);
        assert_eq!(picked(":2", 5), [1, 2]);
        assert_eq!(picked("3:", 5), [3, 4, 5]);
        assert_eq!(picked("4-inf", 5), [4, 5]);
        assert_eq!(picked("::-2", 5), [1, 3, 5]);
        assert_eq!(picked("1,-1", 1), [1]);
        let neg: Items = "-2".parse().unwrap();
        assert!(neg.needs_length());
        let pos: Items = "2,5:7".parse().unwrap();
        assert!(!pos.needs_length());
        assert_eq!(pos.last(), Some(7));
        assert_eq!("3:".parse::<Items>().unwrap().last(), None);
        for bad in ["", "1,,2", "a", "0", "1:2:0", "1-x", "1:2:3:4"] {
            assert!(bad.parse::<Items>().is_err(), "{bad}");
        }
    }

    #[test]
    fn specs_that_select_nothing_are_refused_with_the_reason() {
        for bad in ["5-2", "-1:-3", "2:5:-1", "1,5-2"] {
            let e = bad.parse::<Items>().unwrap_err();
            assert!(e.contains("selects no position"), "{bad}: {e}");
        }
        let e = "1:10:0".parse::<Items>().unwrap_err();
        assert!(e.contains("step of 0"), "{e}");
        assert!(!e.contains("position 0"), "{e}");
        // Mixed ends depend on the length; one position alone is a range of one.
        for ok in ["-1:3", "3:-1", "2-2", "-2:-2", "5:2:-1", "-3:-1"] {
            assert!(ok.parse::<Items>().is_ok(), "{ok}");
        }
    }

    #[test]
    fn lag_is_the_deepest_position_from_the_end() {
        let lag = |s: &str| s.parse::<Items>().unwrap().lag();
        assert_eq!(lag("1,3"), Some(0));
        assert_eq!(lag("-1"), Some(1));
        assert_eq!(lag("-3:"), Some(3));
        assert_eq!(lag("2:-5,-2"), Some(5));
        assert_eq!(lag("::-1"), Some(0));
        assert_eq!(lag("-2::-1"), Some(2));
        assert_eq!(lag("::-2"), None);
        assert_eq!(lag("-1::-3"), None);
        // Counting down to a position from the end picks only posts still buffered.
        assert_eq!(lag("-1:-4:-2"), Some(4));
        assert_eq!(lag("9:1:-2"), Some(0));
    }

    /// A post's pick, once `lag` later posts were seen, is the same whatever the length.
    #[test]
    fn picks_are_settled_after_the_lag() {
        for spec in [
            "-1", "-3:", "2:-5", "-4:-2", "::-1", "-2::-1", "-1:-4:-2", "1,-1", "3::2",
        ] {
            let items: Items = spec.parse().unwrap();
            let lag = items.lag().unwrap();
            for pos in 1..=20u64 {
                let settled = items.contains(pos, Some(pos + lag));
                for len in pos + lag..=40 {
                    assert_eq!(
                        items.contains(pos, Some(len)),
                        settled,
                        "{spec} {pos} {len}"
                    );
                }
            }
        }
    }
}
