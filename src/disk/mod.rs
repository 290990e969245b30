//! Files on disk: folders held open, files tikdl owns, refusals at names it writes, and the one
//! gate for names (sanitizing, byte limits, staying inside the base).

#[doc(hidden)]
pub mod folder;
#[doc(hidden)]
pub mod owned_file;
#[doc(hidden)]
pub mod safe_path;

pub mod name_rules;

pub(crate) mod safe_fs;
