//! `batch --shard K/N`: split one list over N machines or processes so that each post is
//! downloaded by exactly one of them, and together they download all of it.
//!
//! A post belongs to shard `1 + (h mod N)`, where `h` is the first 8 bytes (big-endian) of the
//! SHA-256 of the post's decimal id as written by TikTok (the id the archive stores, after short
//! links are resolved and lists expanded). Why SHA-256:
//! * it is a fixed standard (FIPS 180-4) with no seed, unlike std's `DefaultHasher`, whose
//!   algorithm may change between Rust releases and which `HashMap` seeds per process; so every
//!   tikdl version on every platform assigns a post to the same shard, and machines running
//!   different builds still never overlap;
//! * it hashes bytes and reads the digest in a fixed byte order, so endianness and word size do
//!   not matter;
//! * its output is uniform in every bit, so `mod N` is balanced even for ids that differ only in
//!   a few digits (simple hashes such as FNV-1a leave `mod 2^k` depending on few input bits);
//!   the bias of `2^64 mod N` is negligible;
//! * `sha2` is already a dependency, and one hash per post costs nothing next to a download.
//!
//! The assignment is pinned by a test (`fixed_ids_keep_their_shard`): changing it would make
//! machines on different versions download the same posts.

use sha2::{Digest, Sha256};

use crate::model::PostId;

/// One shard of N: `k` is 1-based (`1/3`, `2/3`, `3/3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    /// Which shard, from 1.
    pub k: u32,
    /// How many shards.
    pub n: u32,
}

/// The rule, quoted in every parse error so the user sees what a valid value looks like.
const RULE: &str = "K/N with 1 <= K <= N, for example 2/3";

/// Why a `--shard` value is not `K/N`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid shard `{input}`: {why}; use {RULE}")]
pub struct ShardError {
    input: String,
    why: &'static str,
}

impl Shard {
    /// Whether `post_id` (TikTok's decimal id) belongs to this shard.
    pub fn contains(&self, post_id: &PostId) -> bool {
        shard_of(post_id, self.n) == self.k
    }
}

/// The 1-based shard of `post_id` among `n` (`n` 0 is treated as 1: everything in shard 1).
pub fn shard_of(post_id: &PostId, n: u32) -> u32 {
    let digest = Sha256::digest(post_id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let h = u64::from_be_bytes(first);
    // The remainder is < n <= u32::MAX, so the conversion cannot fail.
    let r = u32::try_from(h % u64::from(n.max(1))).unwrap_or(0);
    r + 1
}

impl std::str::FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |why| ShardError {
            input: s.to_owned(),
            why,
        };
        let (k, n) = s.split_once('/').ok_or_else(|| err("no `/`"))?;
        // Digits only: `u32::from_str` would also take `+2`, which is not what the rule says.
        let number = |t: &str, what: &'static str, too_big: &'static str| {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(what));
            }
            t.parse::<u32>().map_err(|_| err(too_big))
        };
        let k = number(k, "K is not a whole number", "K is too large")?;
        let n = number(
            n,
            "N is not a whole number",
            "N is too large (at most 4294967295)",
        )?;
        if n == 0 {
            return Err(err("N is 0"));
        }
        if k == 0 || k > n {
            return Err(err("K is out of range"));
        }
        Ok(Shard { k, n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(s: &str) -> Shard {
        s.parse().unwrap()
    }

    /// 500 consecutive ids (as a profile's often are close) and 500 spread ones.
    fn ids() -> Vec<PostId> {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let spread = (0..500).map(move |_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (7_000_000_000_000_000_000 + x % 1_000_000_000_000_000_000).to_string()
        });
        (1..=500u64)
            .map(|i| (7_300_000_000_000_000_000 + i).to_string())
            .chain(spread)
            .map(|id| id.parse().unwrap())
            .collect()
    }

    #[test]
    fn parses_k_of_n() {
        assert_eq!(shard("1/3"), Shard { k: 1, n: 3 });
        assert_eq!(shard("3/3"), Shard { k: 3, n: 3 });
        assert_eq!(shard("1/1"), Shard { k: 1, n: 1 });
        assert_eq!(shard("2/3").to_string(), "2/3");
    }

    #[test]
    fn bad_values_name_the_rule() {
        for bad in [
            "0/3",
            "4/3",
            "x",
            "1/0",
            "/3",
            "3/",
            "",
            "1/3/5",
            " 1/3",
            "+1/3",
            "-1/3",
            "1.5/3",
            "99999999999/3",
        ] {
            let e = bad.parse::<Shard>().unwrap_err().to_string();
            assert!(e.contains("K/N with 1 <= K <= N"), "{bad}: {e}");
            assert!(e.contains(&format!("`{bad}`")), "{bad}: {e}");
        }
        assert!(
            "0/3"
                .parse::<Shard>()
                .unwrap_err()
                .to_string()
                .contains("K is out of range")
        );
    }

    #[test]
    fn shards_are_disjoint_and_cover_everything() {
        let ids = ids();
        for n in 1..=7 {
            for id in &ids {
                let owners = (1..=n).filter(|&k| Shard { k, n }.contains(id)).count();
                assert_eq!(owners, 1, "{id} in {owners} of {n} shards");
            }
        }
    }

    #[test]
    fn shards_are_roughly_balanced() {
        let ids = ids();
        for k in 1..=3 {
            let share = ids
                .iter()
                .filter(|id| Shard { k, n: 3 }.contains(id))
                .count();
            assert!(
                (200..=470).contains(&share),
                "shard {k}/3 got {share} of 1000"
            );
        }
    }

    #[test]
    fn fixed_ids_keep_their_shard() {
        // Pinned (and cross-checked with Python's hashlib): a change here means machines on
        // different versions would overlap.
        let pinned = [
            ("7608826249200356630", [1, 2, 3, 4, 4, 6, 4]),
            ("7300000000000000001", [1, 2, 3, 2, 1, 6, 2]),
            ("7526770564367748360", [1, 2, 1, 4, 4, 4, 1]),
        ];
        for (id, want) in pinned {
            let id: PostId = id.parse().unwrap();
            let got: Vec<u32> = (1..=7).map(|n| shard_of(&id, n)).collect();
            assert_eq!(got, want, "{id}");
        }
        assert_eq!(shard_of(&"7608826249200356630".parse().unwrap(), 0), 1);
    }

    #[test]
    fn a_bad_value_is_a_usage_error_through_clap() {
        use clap::Parser;
        #[derive(Parser)]
        struct Args {
            #[arg(long, value_name = "K/N")]
            shard: Option<Shard>,
        }
        let ok = Args::try_parse_from(["tikdl", "--shard", "2/3"]).unwrap();
        assert_eq!(ok.shard, Some(Shard { k: 2, n: 3 }));
        let e = Args::try_parse_from(["tikdl", "--shard", "4/3"])
            .err()
            .unwrap();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("K/N with 1 <= K <= N"), "{e}");
    }
}
