//! Where mail goes: an SMTP server, or files in the data directory when none is configured.

use async_trait::async_trait;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("mail server refused or unreachable: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("cannot write mail file: {0}")]
    File(#[from] lettre::transport::file::Error),
    #[error("cannot create mail directory: {0}")]
    Directory(#[from] std::io::Error),
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

struct Files {
    transport: AsyncFileTransport<Tokio1Executor>,
    dir: std::path::PathBuf,
}

#[async_trait]
impl MailTransport for Files {
    async fn send(&self, message: Message) -> Result<(), TransportError> {
        tokio::fs::create_dir_all(&self.dir).await?;
        self.transport.send(message).await?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("files in {}", self.dir.display())
    }
}

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
            transport: AsyncFileTransport::new(mail_dir),
            dir: mail_dir.to_path_buf(),
        })),
    }
}
