//! HTTP plumbing shared by every capability: extractors, middleware, the problem renderer.

pub mod body_limit;
pub mod client_addr;
pub mod conditional;
pub mod control_chars;
pub mod cursor;
pub mod field_text;
pub mod headers;
pub mod idempotency;
pub mod json;
pub mod metrics;
pub mod objects_only;
pub mod problem;
pub mod query;
pub mod unread_body;

pub use json::ValidJson;
pub use query::ValidQuery;
