//! A string that must never reach logs or error messages (cookie values,
//! Cookie headers, tokens).

use std::fmt;

/// Debug and Display print `(redacted)`; only [`Secret::expose`] reads the text.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// The secret text. Call it only where the value is actually sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::from("sessionid=abc123".to_owned());
        assert_eq!(format!("{s:?}"), "(redacted)");
        assert_eq!(format!("{s}"), "(redacted)");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some((redacted))");
        assert_eq!(s.expose(), "sessionid=abc123");
        assert_eq!(s, Secret::from("sessionid=abc123".to_owned()));
    }
}
