//! Cursor pagination, the same for every list in the API.

use serde::{Deserialize, Serialize};

/// One page of a list. `next_cursor` is opaque; pass it back as `cursor` for the next page.
/// It is absent on the last page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

/// The page size a client asked for, clamped to what the API serves.
pub fn page_size(requested: Option<u64>) -> u64 {
    requested
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_PAGE_SIZE)
}
