//! Opaque cursors: the sort key of the last item of a page, base64url-encoded JSON.
//! Clients must not build them; a tampered cursor is a 422 naming `cursor`.

use crate::error::{ApiError, FieldError, Text};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub fn encode<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

pub fn decode<K: DeserializeOwned>(cursor: &str) -> Result<K, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| {
            ApiError::validation(vec![FieldError::new(
                "cursor",
                "invalid_cursor",
                Text::new(
                    "Con trỏ phân trang không hợp lệ; hãy dùng đúng giá trị next_cursor đã nhận.",
                    "Invalid cursor; pass back the next_cursor you received.",
                ),
            )])
        })
}
