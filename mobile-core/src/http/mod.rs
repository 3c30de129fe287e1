//! The HTTP client: JSON in and out, bearer tokens, `Accept-Language`, problem+json errors,
//! and retries that are safe because every mutating call carries an `Idempotency-Key`.

mod retry;

use crate::error::{CoreError, Problem};
use crate::session::Session;
use healthbook_domain::Lang;
use reqwest::{Method, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

pub use retry::RetryPolicy;

/// Whether a call needs the signed-in session's token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    Public,
    Bearer,
}

pub struct Api {
    http: reqwest::Client,
    base_url: String,
    lang: Lang,
    session: Arc<Session>,
    retry: RetryPolicy,
}

/// One request as it is sent on every attempt: the body is serialised once, the key chosen
/// once, so a retry is byte-for-byte the same request.
struct Request<'a> {
    method: Method,
    path: &'a str,
    body: Option<Vec<u8>>,
    auth: Auth,
    idempotency_key: Option<Uuid>,
    /// The `ETag` of the copy the caller holds: the server may answer `304 Not Modified`.
    if_none_match: Option<&'a str>,
    /// What the answer should be: JSON, except for documents.
    accept: &'static str,
}

const JSON: &str = "application/json";

/// What a conditional GET found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The caller's copy is current.
    NotModified,
    /// A new body, with the `ETag` that names it.
    Body { body: Vec<u8>, etag: Option<String> },
}

/// A successful answer: the status (2xx or 304), the `ETag` and the body.
struct Reply {
    status: StatusCode,
    etag: Option<String>,
    body: Vec<u8>,
}

impl Api {
    pub fn new(
        base_url: &str,
        lang: Lang,
        session: Arc<Session>,
        retry: RetryPolicy,
    ) -> Result<Api, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("healthbook-core/", env!("CARGO_PKG_VERSION")))
            // The API never redirects; following one could carry a body of health data (or,
            // to the same host, the bearer token) from https to http or to another host.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Api {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            lang,
            session,
            retry,
        })
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str, auth: Auth) -> Result<T, CoreError> {
        let request = Request {
            method: Method::GET,
            path,
            body: None,
            auth,
            idempotency_key: None,
            if_none_match: None,
            accept: JSON,
        };
        decode(&self.send(&request).await?.body)
    }

    /// A GET that names the copy the caller holds, so that an unchanged resource costs a
    /// `304` and no body.
    pub async fn get_if_changed(
        &self,
        path: &str,
        auth: Auth,
        etag: Option<&str>,
    ) -> Result<Fetched, CoreError> {
        let request = Request {
            method: Method::GET,
            path,
            body: None,
            auth,
            idempotency_key: None,
            if_none_match: etag,
            accept: JSON,
        };
        let reply = self.send(&request).await?;
        if reply.status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        Ok(Fetched::Body {
            body: reply.body,
            etag: reply.etag,
        })
    }

    /// A POST with a fresh idempotency key.
    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        auth: Auth,
    ) -> Result<T, CoreError> {
        decode(&self.post_raw(path, body, auth, Uuid::new_v4()).await?)
    }

    /// A POST with the caller's idempotency key (a queued action keeps its key for life).
    pub async fn post_raw<B: Serialize>(
        &self,
        path: &str,
        body: &B,
        auth: Auth,
        idempotency_key: Uuid,
    ) -> Result<Vec<u8>, CoreError> {
        let request = Request {
            method: Method::POST,
            path,
            body: Some(encode(body)?),
            auth,
            idempotency_key: Some(idempotency_key),
            if_none_match: None,
            accept: JSON,
        };
        Ok(self.send(&request).await?.body)
    }

    /// A document (a PDF) as bytes; a refusal still comes as a problem.
    pub async fn get_document(
        &self,
        path: &str,
        media_type: &'static str,
    ) -> Result<Vec<u8>, CoreError> {
        let request = Request {
            method: Method::GET,
            path,
            body: None,
            auth: Auth::Bearer,
            idempotency_key: None,
            if_none_match: None,
            accept: media_type,
        };
        Ok(self.send(&request).await?.body)
    }

    /// A PATCH with the caller's idempotency key: a queued change keeps its key for life, so
    /// that a replay after a lost answer is not judged again against the version it made.
    pub async fn patch_raw<B: Serialize>(
        &self,
        path: &str,
        body: &B,
        idempotency_key: Uuid,
    ) -> Result<Vec<u8>, CoreError> {
        let request = Request {
            method: Method::PATCH,
            path,
            body: Some(encode(body)?),
            auth: Auth::Bearer,
            idempotency_key: Some(idempotency_key),
            if_none_match: None,
            accept: JSON,
        };
        Ok(self.send(&request).await?.body)
    }

    pub async fn patch<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, CoreError> {
        let request = Request {
            method: Method::PATCH,
            path,
            body: Some(encode(body)?),
            auth: Auth::Bearer,
            idempotency_key: None,
            if_none_match: None,
            accept: JSON,
        };
        decode(&self.send(&request).await?.body)
    }

    /// A DELETE whose answer is the resource as it now stands (a consent, withdrawn).
    pub async fn delete_returning<T: DeserializeOwned>(&self, path: &str) -> Result<T, CoreError> {
        let request = Request {
            method: Method::DELETE,
            path,
            body: None,
            auth: Auth::Bearer,
            idempotency_key: None,
            if_none_match: None,
            accept: JSON,
        };
        decode(&self.send(&request).await?.body)
    }

    pub async fn delete(&self, path: &str) -> Result<(), CoreError> {
        let request = Request {
            method: Method::DELETE,
            path,
            body: None,
            auth: Auth::Bearer,
            idempotency_key: None,
            if_none_match: None,
            accept: JSON,
        };
        self.send(&request).await.map(drop)
    }

    /// Sends until it succeeds, fails for good, or the policy gives up. Only requests that
    /// are safe to repeat are repeated: GET, PATCH and DELETE are idempotent by nature, and
    /// a POST is sent only with an idempotency key, which makes the server replay its first
    /// answer instead of acting twice.
    async fn send(&self, request: &Request<'_>) -> Result<Reply, CoreError> {
        let mut attempt = 1;
        loop {
            let outcome = self.attempt(request).await;
            let wait = match &outcome {
                Err(CoreError::Network(_)) => self.retry.after_network_failure(attempt),
                Err(CoreError::Problem(problem)) if problem.is_transient() => self
                    .retry
                    .after_refusal(attempt, problem.retry_after_seconds),
                _ => None,
            };
            match wait {
                Some(wait) => {
                    tracing::debug!(
                        http.method = %request.method,
                        http.attempt = attempt,
                        "retrying after a transient failure"
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                None => return outcome,
            }
        }
    }

    async fn attempt(&self, request: &Request<'_>) -> Result<Reply, CoreError> {
        let mut builder = self
            .http
            .request(
                request.method.clone(),
                format!("{}{}", self.base_url, request.path),
            )
            .header(header::ACCEPT, request.accept)
            .header(header::ACCEPT_LANGUAGE, self.lang.code());
        let token = match request.auth {
            Auth::Bearer => Some(self.session.token().ok_or(CoreError::NotSignedIn)?),
            Auth::Public => None,
        };
        if let Some(token) = &token {
            builder = builder.bearer_auth(token);
        }
        if let Some(key) = request.idempotency_key {
            builder = builder.header("Idempotency-Key", key.to_string());
        }
        if let Some(etag) = request.if_none_match {
            builder = builder.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let response = builder.send().await.map_err(CoreError::Network)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let etag = response
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.map_err(CoreError::Network)?.to_vec();
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            return Ok(Reply { status, etag, body });
        }
        let problem = Problem::parse(status.as_u16(), &body, retry_after);
        if let Some(token) = token.filter(|_| status == StatusCode::UNAUTHORIZED) {
            // The server no longer honours this token (expired, revoked, signed out
            // elsewhere): forget it so the app shows the sign-in screen, and what was
            // cached for it.
            self.session.refused(&token);
        }
        Err(CoreError::Problem(problem))
    }
}

fn encode<B: Serialize>(body: &B) -> Result<Vec<u8>, CoreError> {
    serde_json::to_vec(body).map_err(|e| CoreError::Decode(e.to_string()))
}

pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, CoreError> {
    // An empty success (204) reads as JSON null, so `()` decodes from it.
    let body: &[u8] = if body.is_empty() { b"null" } else { body };
    serde_json::from_slice(body).map_err(|e| CoreError::Decode(e.to_string()))
}

/// The query string of a query record (the shared `domain` types): its fields that have a
/// value, by their names in the API.
pub fn query_of<Q: Serialize>(query: &Q) -> Result<String, CoreError> {
    let serde_json::Value::Object(fields) =
        serde_json::to_value(query).map_err(|e| CoreError::Decode(e.to_string()))?
    else {
        return Err(CoreError::Decode("a query is not a record".to_owned()));
    };
    let pairs: Vec<(&str, Option<String>)> = fields
        .iter()
        .map(|(name, value)| {
            let text = match value {
                serde_json::Value::Null => None,
                serde_json::Value::String(text) => Some(text.clone()),
                other => Some(other.to_string()),
            };
            (name.as_str(), text)
        })
        .collect();
    Ok(query_string(&pairs))
}

/// `?name=value&…` for the pairs that have a value, percent-encoded (RFC 3986 unreserved
/// characters stay as they are); empty when none has.
pub fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .filter_map(|(name, value)| {
            value
                .as_deref()
                .map(|value| format!("{}={}", percent_encode(name), percent_encode(value)))
        })
        .collect();
    if encoded.is_empty() {
        String::new()
    } else {
        format!("?{}", encoded.join("&"))
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::session::tests::MemoryTokens;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    #[test]
    fn query_strings_skip_absent_values_and_encode_the_rest() {
        assert_eq!(query_string(&[("q", None)]), "");
        assert_eq!(
            query_string(&[
                ("q", Some("bạch mai & co".to_owned())),
                ("province", None),
                ("limit", Some("20".to_owned())),
            ]),
            "?q=b%E1%BA%A1ch%20mai%20%26%20co&limit=20"
        );
    }

    #[test]
    fn a_query_record_is_written_as_the_server_reads_it() {
        use healthbook_domain::facility::{FacilityQuery, ServiceType};
        let query = FacilityQuery {
            q: Some("bach mai".to_owned()),
            province: Some("01".to_owned()),
            service: Some(ServiceType::Vaccination),
            limit: Some(20),
            ..FacilityQuery::default()
        };
        assert_eq!(
            query_of(&query).unwrap(),
            "?limit=20&province=01&q=bach%20mai&service=vaccination"
        );
        assert_eq!(query_of(&FacilityQuery::default()).unwrap(), "");
    }

    /// Answers every request on `listener` with `head` (status line and headers), counting
    /// the connections.
    async fn answer_with(listener: TcpListener, head: String, seen: Arc<AtomicUsize>) {
        while let Ok((mut socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            let mut request = Vec::new();
            let mut chunk = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(read) => request.extend_from_slice(&chunk[..read]),
                }
            }
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    }

    #[tokio::test]
    async fn a_redirect_is_never_followed() {
        let elsewhere = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let elsewhere_url = format!("http://{}/v1/collect", elsewhere.local_addr().unwrap());
        let reached_elsewhere = Arc::new(AtomicUsize::new(0));
        tokio::spawn(answer_with(
            elsewhere,
            "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_owned(),
            reached_elsewhere.clone(),
        ));
        let server = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", server.local_addr().unwrap());
        tokio::spawn(answer_with(
            server,
            format!(
                "HTTP/1.1 307 Temporary Redirect\r\nlocation: {elsewhere_url}\r\n\
                 content-length: 0\r\nconnection: close\r\n\r\n"
            ),
            Arc::new(AtomicUsize::new(0)),
        ));
        let session = Arc::new(Session::load(
            Arc::new(MemoryTokens::default()),
            Arc::new(FixedClock(chrono::DateTime::UNIX_EPOCH)),
        ));
        let api = Api::new(&base_url, Lang::Vi, session, RetryPolicy::default()).unwrap();

        let sent = api
            .post::<_, ()>(
                "/v1/me/dependents",
                &serde_json::json!({ "full_name": "Nguyễn Văn An" }),
                Auth::Public,
            )
            .await;

        assert!(
            matches!(&sent, Err(CoreError::Problem(problem)) if problem.status == 307),
            "{sent:?}"
        );
        assert_eq!(reached_elsewhere.load(Ordering::SeqCst), 0);
    }
}
