//! Networking: the one HTTP client (proxies, identities, cookies, pacing, retries), and what it
//! is built from.

#[doc(hidden)]
pub mod browser_cookies;
#[doc(hidden)]
pub mod cookies;
#[doc(hidden)]
pub mod http;
#[doc(hidden)]
pub mod ratelimit;
#[doc(hidden)]
pub mod redacted;
#[doc(hidden)]
pub mod retry;
pub mod stats;
