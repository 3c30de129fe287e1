//! Where mail goes: an SMTP server, or files in the data directory when none is configured.

use async_trait::async_trait;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("mail server refused or unreachable: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("cannot write mail file: {0}")]
    File(#[from] std::io::Error),
}

#[async_trait]
pub trait MailTransport: Send + Sync {
    async fn send(&self, message: Message) -> Result<(), TransportError>;
    fn describe(&self) -> String;
}

struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    shown: String,
}

#[async_trait]
impl MailTransport for Smtp {
    async fn send(&self, message: Message) -> Result<(), TransportError> {
        self.transport.send(message).await?;
        Ok(())
    }

    fn describe(&self) -> String {
        self.shown.clone()
    }
}

/// One `.eml` file per message. Each is written under a hidden name and renamed into place,
/// so that whoever watches the directory (a developer's mail viewer, the app tests) never
/// reads half a message.
struct Files {
    dir: std::path::PathBuf,
}

#[async_trait]
impl MailTransport for Files {
    async fn send(&self, message: Message) -> Result<(), TransportError> {
        tokio::fs::create_dir_all(&self.dir).await?;
        let name = uuid::Uuid::now_v7();
        let partial = self.dir.join(format!(".{name}.eml.partial"));
        let written = match write_private(&partial, &message.formatted()).await {
            Ok(()) => tokio::fs::rename(&partial, self.dir.join(format!("{name}.eml"))).await,
            Err(error) => Err(error),
        };
        if written.is_err() {
            // The send is retried under a new name; leave no half-written file behind.
            let _ = tokio::fs::remove_file(&partial).await;
        }
        written.map_err(TransportError::File)
    }

    fn describe(&self) -> String {
        format!("files in {}", self.dir.display())
    }
}

/// Writes a file that only the server's user can read: a mail may carry a one-time code.
async fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path).await?;
    file.write_all(bytes).await?;
    file.flush().await
}

/// A mail server's refusal usually quotes the mailbox (`550 5.1.1 <lan@example.vn>: Recipient
/// address rejected`). Failure texts are logged and kept in the outbox, so every `<…>` path and
/// every word that looks like an address is replaced before they are.
pub fn without_addresses(text: &str) -> String {
    let mut paths_gone = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let Some(length) = rest[start..].find('>') else {
            break;
        };
        paths_gone.push_str(&rest[..start]);
        paths_gone.push_str(ADDRESS);
        rest = &rest[start + length + 1..];
    }
    paths_gone.push_str(rest);

    let mut out = String::with_capacity(paths_gone.len());
    let mut word = String::new();
    for c in paths_gone.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-@".contains(c) {
            word.push(c);
            continue;
        }
        let looks_like_address = word
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
        out.push_str(if looks_like_address { ADDRESS } else { &word });
        word.clear();
        out.push(c);
    }
    out.pop();
    out
}

const ADDRESS: &str = "[address]";

pub fn build_transport(
    smtp_url: Option<&str>,
    mail_dir: &Path,
) -> Result<Box<dyn MailTransport>, TransportError> {
    match smtp_url {
        Some(url) => {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
                .timeout(Some(std::time::Duration::from_secs(10)))
                .build();
            Ok(Box::new(Smtp {
                transport,
                shown: crate::config::redact_url(url),
            }))
        }
        None => Ok(Box::new(Files {
            dir: mail_dir.to_path_buf(),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_texts_lose_every_address() {
        assert_eq!(
            without_addresses(
                "permanent error (550): 5.1.1 <lan.nguyen@example.vn>: Recipient address rejected: \
                 user lan.nguyen@example.vn unknown; to=hoa+tag@mail.example.vn, ok"
            ),
            "permanent error (550): 5.1.1 [address]: Recipient address rejected: \
             user [address] unknown; [address], ok"
        );
        assert_eq!(without_addresses("<>"), "[address]");
        assert_eq!(
            without_addresses("connection refused (os error 111)"),
            "connection refused (os error 111)"
        );
        assert_eq!(
            without_addresses("a lone @ and <unclosed"),
            "a lone @ and <unclosed"
        );
        assert_eq!(
            without_addresses("Trần@bệnh-viện.vn đã từ chối"),
            "[address] đã từ chối"
        );
    }

    #[tokio::test]
    async fn a_mail_file_appears_whole_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let mail_dir = dir.path().join("mail");
        let transport = build_transport(None, &mail_dir).unwrap();
        let message = Message::builder()
            .from("HealthBook <no-reply@healthbook.test>".parse().unwrap())
            .to("lan@example.vn".parse().unwrap())
            .subject("Mã xác minh")
            .body("123456".to_owned())
            .unwrap();
        transport.send(message.clone()).await.unwrap();
        transport.send(message).await.unwrap();

        let names: Vec<String> = std::fs::read_dir(&mail_dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        for name in names {
            assert!(name.ends_with(".eml") && !name.starts_with('.'), "{name}");
            let path = mail_dir.join(name);
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains("To: lan@example.vn"), "{text}");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&path).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "mail files are private");
            }
        }
    }
}
