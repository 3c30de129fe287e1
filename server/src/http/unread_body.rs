//! Keeps a keep-alive connection usable when a request is answered before its body was read.
//!
//! A 401, 403, 404, 413 or 415 is decided from the head alone, and the handler drops the body
//! unread. hyper then reads what has already arrived and, if more is on its way, stops
//! reading and closes the connection, at times after it has already sent a response that
//! said nothing of closing. The client's next request on that connection then fails, and a
//! phone does not retry a POST. So the unread rest of a body is read and discarded here, up
//! to the body limit and for a short while; when that is not possible the response says
//! `Connection: close`, and the client opens a new connection instead of reusing a dead one.

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Version, header};
use axum::middleware::Next;
use axum::response::Response;
use futures::StreamExt;
use http_body::{Frame, SizeHint};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

/// Long enough for a phone to finish sending a small body, short enough that a client
/// trickling bytes cannot hold the answer back for long.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// The middleware; its state is the body limit, the most it will read and discard.
pub async fn finish_unread_bodies(
    State(limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    // HTTP/2 ends an unread stream on its own, without touching the connection.
    if request.body().is_end_stream() || request.version() >= Version::HTTP_2 {
        return next.run(request).await;
    }
    // Reading the body of `Expect: 100-continue` would ask the client to send what the
    // answer already refuses.
    let expects_continue = request.headers().contains_key(header::EXPECT);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let unread = Arc::new(Mutex::new(None));
    let (parts, body) = request.into_parts();
    let watched = Watched {
        inner: Some(body),
        finished: false,
        unread: unread.clone(),
    };
    let mut response = next
        .run(Request::from_parts(parts, Body::new(watched)))
        .await;
    let left = unread.lock().ok().and_then(|mut slot| slot.take());
    if let Some(rest) = left {
        let within_limit = declared.is_none_or(|length| length <= limit as u64);
        if expects_continue || !within_limit || !discard(rest, limit).await {
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
    }
    response
}

/// Reads and drops the rest of a body; `false` when it is larger than `limit`, fails, or
/// does not end within [`DRAIN_TIMEOUT`].
async fn discard(body: Body, limit: usize) -> bool {
    let read_all = async {
        let mut stream = body.into_data_stream();
        let mut total = 0usize;
        while let Some(chunk) = stream.next().await {
            let Ok(chunk) = chunk else {
                return false;
            };
            total += chunk.len();
            if total > limit {
                return false;
            }
        }
        true
    };
    tokio::time::timeout(DRAIN_TIMEOUT, read_all)
        .await
        .unwrap_or(false)
}

/// The request body as the handler sees it; dropped before its end, it hands the rest back.
struct Watched {
    inner: Option<Body>,
    finished: bool,
    unread: Arc<Mutex<Option<Body>>>,
}

impl HttpBody for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = Pin::new(inner).poll_frame(cx);
        // After an error the connection is beyond saving by reading; hyper closes it.
        if matches!(polled, Poll::Ready(None | Some(Err(_)))) {
            this.finished = true;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), HttpBody::size_hint)
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        if let Some(rest) = self.inner.take().filter(|body| !body.is_end_stream())
            && let Ok(mut slot) = self.unread.lock()
        {
            *slot = Some(rest);
        }
    }
}
