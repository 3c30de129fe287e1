//! HTTP plumbing shared by every capability: extractors, middleware, the problem renderer.

pub mod client_addr;
pub mod cursor;
pub mod headers;
pub mod idempotency;
pub mod json;
pub mod metrics;
pub mod problem;
pub mod query;

pub use json::ValidJson;
pub use query::ValidQuery;
