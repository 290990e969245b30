//! The fetch stage: from a [`crate::url::PostRef`] to typed posts. Short links, the metadata
//! cache, the post page with its challenge and empty-page recovery, and the list APIs.

#[doc(hidden)]
pub mod cache;
#[doc(hidden)]
pub mod challenge;
#[doc(hidden)]
pub mod extract;
#[doc(hidden)]
pub mod lists;
#[doc(hidden)]
pub mod live;
pub mod pick;

pub(crate) mod break_existing;
pub(crate) mod posts;
pub(crate) mod tabs;
