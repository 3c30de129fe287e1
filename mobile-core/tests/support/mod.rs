//! What the core's integration tests share: a token store in memory, a client over a temp
//! store, and a scripted HTTP server for failures the real one does not produce on demand.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use healthbook_core::clock::Clock;
use healthbook_core::store::{MemoryKeyVault, Store};
use healthbook_core::{ClientConfig, HealthBookClient, TokenStore};
use healthbook_domain::account::SessionGrant;
use healthbook_domain::{Lang, Sensitive};
use healthbook_tests::TestApp;
use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The keystore as the apps keep it: the core's text, as it is.
#[derive(Default)]
pub struct MemoryTokens(pub Mutex<Option<Sensitive<String>>>);

impl TokenStore for MemoryTokens {
    fn load(&self) -> Option<Sensitive<String>> {
        self.0.lock().unwrap().clone()
    }
    fn save(&self, session: Sensitive<String>) {
        *self.0.lock().unwrap() = Some(session);
    }
    fn clear(&self) {
        *self.0.lock().unwrap() = None;
    }
}

impl MemoryTokens {
    /// A session saved as the core saves it.
    pub fn holding(grant: &SessionGrant) -> MemoryTokens {
        let text = serde_json::json!({ "version": 1, "grant": grant }).to_string();
        MemoryTokens(Mutex::new(Some(Sensitive::new(text))))
    }

    /// The session saved, read back.
    pub fn saved(&self) -> Option<SessionGrant> {
        let text = self.load()?;
        let saved: serde_json::Value = serde_json::from_str(text.expose()).unwrap();
        Some(serde_json::from_value(saved["grant"].clone()).unwrap())
    }
}

/// The phone's keystore, one for the whole process as on a phone: the core names each key at
/// random, so clients over different stores never meet in it.
pub fn keys() -> Arc<MemoryKeyVault> {
    static KEYS: std::sync::LazyLock<Arc<MemoryKeyVault>> = std::sync::LazyLock::new(Arc::default);
    KEYS.clone()
}

fn config(base_url: &str, store: &Path) -> ClientConfig {
    ClientConfig {
        base_url: base_url.to_owned(),
        store_path: store.join("healthbook.sqlite").display().to_string(),
        lang: Lang::En,
        device_name: Some("Rust test phone".to_owned()),
    }
}

pub fn client(base_url: &str, store: &Path, tokens: Arc<MemoryTokens>) -> Arc<HealthBookClient> {
    HealthBookClient::new(config(base_url, store), tokens, keys()).unwrap()
}

/// A clock the test sets.
pub struct MovingClock(pub Mutex<DateTime<Utc>>);

impl MovingClock {
    pub fn at(text: &str) -> Arc<MovingClock> {
        Arc::new(MovingClock(Mutex::new(text.parse().unwrap())))
    }

    pub fn set(&self, text: &str) {
        *self.0.lock().unwrap() = text.parse().unwrap();
    }
}

impl Clock for MovingClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// As [`client`], on the phone's clock `clock`.
pub fn client_at(
    base_url: &str,
    store: &Path,
    tokens: Arc<MemoryTokens>,
    clock: Arc<MovingClock>,
) -> Arc<HealthBookClient> {
    let opened = Store::open(&store.join("healthbook.sqlite"), keys()).unwrap();
    HealthBookClient::assemble(config(base_url, store), tokens, opened, clock).unwrap()
}

/// Each code is read once: the next call waits for a mail with a code not seen before (mails
/// without one, such as "someone registered with your address", are passed over).
pub struct Codes(Mutex<HashSet<String>>);

impl Codes {
    pub fn new() -> Codes {
        Codes(Mutex::new(HashSet::new()))
    }

    pub async fn next(&self, app: &TestApp, to: &str) -> String {
        let mail = app
            .wait_for_mail(to, |m| {
                m.code(6).is_some()
                    && !self
                        .0
                        .lock()
                        .unwrap()
                        .contains(m.message_id.as_deref().unwrap_or(""))
            })
            .await
            .unwrap();
        self.0
            .lock()
            .unwrap()
            .insert(mail.message_id.clone().unwrap_or_default());
        mail.code(6).expect("a 6-digit code in the mail")
    }
}

/// What the scripted server does with one connection.
pub enum Scripted {
    /// Reads the request and closes the connection without answering: a lost answer.
    Drop,
    /// Answers with this status, extra headers and JSON body.
    Reply(u16, Vec<(&'static str, &'static str)>, &'static str),
}

/// A request as the scripted server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub request_line: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Serves one connection per scripted step, in order, and records every request.
pub async fn scripted_server(script: Vec<Scripted>) -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let log = received.clone();
    tokio::spawn(async move {
        for step in script {
            let (mut socket, _) = listener.accept().await.unwrap();
            let request = read_request(&mut socket).await;
            log.lock().unwrap().push(request);
            match step {
                Scripted::Drop => drop(socket),
                Scripted::Reply(status, headers, body) => {
                    let mut response = format!(
                        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                        body.len()
                    );
                    let content_type = if status >= 400 {
                        "application/problem+json"
                    } else {
                        "application/json"
                    };
                    response.push_str(&format!("content-type: {content_type}\r\n"));
                    for (name, value) in headers {
                        response.push_str(&format!("{name}: {value}\r\n"));
                    }
                    response.push_str("\r\n");
                    response.push_str(body);
                    socket.write_all(response.as_bytes()).await.unwrap();
                    socket.shutdown().await.ok();
                }
            }
        }
    });
    (base_url, received)
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Received {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed before the request ended");
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.unwrap();
        body.extend_from_slice(&chunk[..n]);
    }
    Received {
        request_line,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    }
}
