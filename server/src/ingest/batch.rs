//! Several envelopes in one request: a `multipart/mixed` body, one `GIAMDINHHS` envelope per
//! part, each written to its own file as the body arrives and then taken in on its own (its
//! own receipt, accepted or refused) exactly as if it had been sent alone.

use super::spool::{SpoolWriter, Spooled, chunks};
use crate::error::ApiError;
use axum::body::Body;
use axum::http::StatusCode;
use futures::StreamExt;
use healthbook_domain::ProblemCode;
use std::path::Path;

/// Envelopes in one batch at most: more is a sign of something other than a facility's
/// system catching up.
pub const MAX_ENVELOPES: usize = 100;

/// A part's headers may not be longer than this.
const MAX_PART_HEADERS: usize = 8 * 1024;

/// The boundary of a `multipart/mixed` content type (RFC 2046: 1 to 70 characters).
pub fn boundary(content_type: &str) -> Option<String> {
    let mut parameters = content_type.split(';');
    let media = parameters.next()?.trim();
    if !media.eq_ignore_ascii_case("multipart/mixed") {
        return None;
    }
    parameters
        .find_map(|parameter| {
            let (name, value) = parameter.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| value.trim().trim_matches('"').to_owned())
        })
        .filter(|b| (1..=70).contains(&b.len()))
}

/// Whether a media type is XML, as an envelope's must be.
pub fn is_xml(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or_default().trim();
    media.eq_ignore_ascii_case("application/xml") || media.eq_ignore_ascii_case("text/xml")
}

fn malformed() -> ApiError {
    ApiError::bad_request(ProblemCode::BadRequest)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Where the splitter is in the body.
#[derive(PartialEq, Eq)]
enum At {
    /// Before the first boundary, or in a part: bytes up to the next delimiter.
    Content,
    /// Just past a delimiter: `--` ends the body, a line break starts a part's headers.
    Delimiter,
    Headers,
    End,
}

/// The parts of a `multipart/mixed` body with `boundary`, each spooled into `dir`; the whole
/// body at most `limit` bytes (413), a malformed body 400, a part that is not XML 415.
pub async fn spool_parts(
    body: Body,
    boundary: &str,
    dir: &Path,
    limit: u64,
) -> Result<Vec<Spooled>, ApiError> {
    let delimiter = format!("\r\n--{boundary}").into_bytes();
    // The first delimiter may open the body, with no line break before it.
    let mut pending: Vec<u8> = b"\r\n".to_vec();
    let mut at = At::Content;
    let mut part: Option<SpoolWriter> = None;
    let mut parts = Vec::new();
    let mut stream = std::pin::pin!(chunks(body, limit));
    loop {
        match at {
            At::Content => {
                if let Some(end) = find(&pending, &delimiter) {
                    if let Some(mut writer) = part.take() {
                        writer.write(&pending[..end]).await?;
                        parts.push(writer.finish().await?);
                    }
                    pending.drain(..end + delimiter.len());
                    at = At::Delimiter;
                    continue;
                }
                // Everything but what could be the start of a delimiter is the part's.
                let keep = delimiter.len() - 1;
                if pending.len() > keep {
                    let cut = pending.len() - keep;
                    if let Some(writer) = part.as_mut() {
                        writer.write(&pending[..cut]).await?;
                    }
                    pending.drain(..cut);
                }
            }
            At::Delimiter if pending.len() >= 2 => {
                if pending.starts_with(b"--") {
                    at = At::End;
                    continue;
                }
                // Transport padding may follow a delimiter before its line break.
                if let Some(end) = find(&pending, b"\r\n") {
                    if !pending[..end].iter().all(|b| *b == b' ' || *b == b'\t') {
                        return Err(malformed());
                    }
                    pending.drain(..end + 2);
                    at = At::Headers;
                    continue;
                }
                if pending.len() > MAX_PART_HEADERS {
                    return Err(malformed());
                }
            }
            At::Delimiter => {}
            At::Headers => {
                let headers_end = if pending.starts_with(b"\r\n") {
                    Some((0, 2))
                } else {
                    find(&pending, b"\r\n\r\n").map(|end| (end, end + 4))
                };
                if let Some((end, next)) = headers_end {
                    if !declares_xml(&pending[..end]) {
                        return Err(ApiError::new(
                            StatusCode::UNSUPPORTED_MEDIA_TYPE,
                            ProblemCode::UnsupportedMediaType,
                        ));
                    }
                    if parts.len() >= MAX_ENVELOPES {
                        return Err(ApiError::new(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            ProblemCode::PayloadTooLarge,
                        ));
                    }
                    pending.drain(..next);
                    part = Some(SpoolWriter::create(dir).await?);
                    at = At::Content;
                    continue;
                }
                if pending.len() > MAX_PART_HEADERS {
                    return Err(malformed());
                }
            }
            // What follows the closing delimiter is an epilogue, ignored.
            At::End => break,
        }
        match stream.next().await {
            Some(chunk) => pending.extend_from_slice(&chunk?),
            None => break,
        }
    }
    if at != At::End || parts.is_empty() {
        return Err(malformed());
    }
    Ok(parts)
}

/// Whether a part's headers say it is XML; a part must say so.
fn declares_xml(headers: &[u8]) -> bool {
    let Ok(headers) = std::str::from_utf8(headers) else {
        return false;
    };
    headers.split("\r\n").any(|line| {
        line.split_once(':').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("content-type") && is_xml(value)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(xml: &str) -> String {
        format!("--b0undary\r\nContent-Type: application/xml\r\n\r\n{xml}\r\n")
    }

    async fn split(body: String, limit: u64) -> Result<Vec<String>, ApiError> {
        let dir = tempfile::tempdir().map_err(ApiError::internal)?;
        // Small chunks, so that delimiters and headers fall across them.
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body
            .into_bytes()
            .chunks(7)
            .map(|c| Ok(c.to_vec()))
            .collect();
        let body = Body::from_stream(futures::stream::iter(chunks));
        let parts = spool_parts(body, "b0undary", dir.path(), limit).await?;
        Ok(parts
            .iter()
            .map(|p| std::fs::read_to_string(p.path()).unwrap_or_default())
            .collect())
    }

    #[tokio::test]
    async fn parts_are_split_across_any_chunking_and_the_epilogue_ignored() {
        let body = format!(
            "preamble\r\n{}{}--b0undary--\r\nepilogue",
            part("<GIAMDINHHS>one</GIAMDINHHS>"),
            part("<GIAMDINHHS>\r\ntwo\r\n--b0undar</GIAMDINHHS>")
        );
        let parts = split(body, 1 << 20)
            .await
            .map_err(|e| e.code)
            .unwrap_or_default();
        assert_eq!(
            parts,
            [
                "<GIAMDINHHS>one</GIAMDINHHS>",
                "<GIAMDINHHS>\r\ntwo\r\n--b0undar</GIAMDINHHS>"
            ]
        );
    }

    #[tokio::test]
    async fn a_body_without_its_end_a_part_not_xml_or_too_much_is_refused() {
        let code = |r: Result<Vec<String>, ApiError>| r.err().map(|e| e.status.as_u16());
        let unfinished = part("<GIAMDINHHS/>");
        assert_eq!(code(split(unfinished, 1 << 20).await), Some(400));
        let text = "--b0undary\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b0undary--".to_owned();
        assert_eq!(code(split(text, 1 << 20).await), Some(415));
        let none = "--b0undary--".to_owned();
        assert_eq!(code(split(none, 1 << 20).await), Some(400));
        let large = format!("{}--b0undary--", part(&"x".repeat(4096)));
        assert_eq!(code(split(large, 1024).await), Some(413));
        let many = format!("{}--b0undary--", part("<a/>").repeat(MAX_ENVELOPES + 1));
        assert_eq!(code(split(many, 1 << 20).await), Some(413));
    }

    #[test]
    fn the_boundary_is_read_from_a_multipart_mixed_type_only() {
        assert_eq!(
            boundary("multipart/mixed; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(
            boundary("Multipart/Mixed;charset=utf-8; BOUNDARY=x").as_deref(),
            Some("x")
        );
        assert_eq!(boundary("multipart/form-data; boundary=x"), None);
        assert_eq!(boundary("multipart/mixed"), None);
        assert_eq!(
            boundary(&format!("multipart/mixed; boundary={}", "x".repeat(71))),
            None
        );
    }
}
