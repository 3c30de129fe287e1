//! A small but real SMTP server for tests: it speaks the protocol over TCP, records every
//! message it accepts, and can be stopped and started again on the same port to test what
//! the outbox does while the mail server is down.

use crate::mail::Mail;
use anyhow::Result;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

#[derive(Debug, Default)]
pub struct SmtpServer {
    pub addr: Option<SocketAddr>,
    received: Arc<Mutex<Vec<Mail>>>,
    task: Option<JoinHandle<()>>,
}

impl SmtpServer {
    /// Starts on an ephemeral port.
    pub async fn start() -> Result<SmtpServer> {
        let mut server = SmtpServer::default();
        server.listen("127.0.0.1:0".parse()?).await?;
        Ok(server)
    }

    /// `smtp://` URL of this server, without TLS (as a local relay would be).
    pub fn url(&self) -> String {
        let addr = self.addr.map(|a| a.to_string()).unwrap_or_default();
        format!("smtp://{addr}")
    }

    pub fn received(&self) -> Vec<Mail> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Stops listening and drops open connections: clients now get "connection refused".
    pub fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&mut self) -> Result<()> {
        let addr = self.addr.ok_or_else(|| anyhow::anyhow!("never started"))?;
        self.listen(addr).await
    }

    async fn listen(&mut self, addr: SocketAddr) -> Result<()> {
        let listener = TcpListener::bind(addr).await?;
        self.addr = Some(listener.local_addr()?);
        let received = self.received.clone();
        self.task = Some(tokio::spawn(async move {
            let mut sessions = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                sessions.spawn(session(stream, received.clone()));
            }
        }));
        Ok(())
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn session(stream: TcpStream, received: Arc<Mutex<Vec<Mail>>>) {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader);
    if writer
        .write_all(b"220 test-smtp ESMTP ready\r\n")
        .await
        .is_err()
    {
        return;
    }
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") {
            b"250-test-smtp\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if command.starts_with("HELO")
            || command.starts_with("MAIL FROM")
            || command.starts_with("RCPT TO")
            || command.starts_with("RSET")
            || command.starts_with("NOOP")
        {
            b"250 OK\r\n"
        } else if command.starts_with("DATA") {
            if writer
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await
                .is_err()
            {
                return;
            }
            let mut data = Vec::new();
            loop {
                line.clear();
                match lines.read_line(&mut line).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                // Undo dot-stuffing (RFC 5321 §4.5.2).
                let content = line.strip_prefix('.').unwrap_or(&line);
                data.extend_from_slice(content.as_bytes());
            }
            if let Some(mail) = Mail::parse(&data)
                && let Ok(mut list) = received.lock()
            {
                list.push(mail);
            }
            b"250 OK queued\r\n"
        } else if command.starts_with("QUIT") {
            let _ = writer.write_all(b"221 Bye\r\n").await;
            return;
        } else {
            b"502 Command not implemented\r\n"
        };
        if writer.write_all(reply).await.is_err() {
            return;
        }
    }
}
