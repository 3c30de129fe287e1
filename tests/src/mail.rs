//! Reading the mail the server wrote (file transport) or an SMTP server received.

use anyhow::Result;
use mail_parser::{MessageParser, MimeHeaders};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub message_id: Option<String>,
    /// (filename, content type, bytes)
    pub attachments: Vec<(String, String, Vec<u8>)>,
    pub raw: Vec<u8>,
}

impl Mail {
    pub fn parse(raw: &[u8]) -> Option<Mail> {
        let message = MessageParser::default().parse(raw)?;
        let to = message
            .to()
            .and_then(|list| list.first())
            .and_then(|addr| addr.address())
            .unwrap_or_default()
            .to_owned();
        let attachments = message
            .attachments()
            .map(|part| {
                let name = part.attachment_name().unwrap_or_default().to_owned();
                let content_type = part
                    .content_type()
                    .map(|ct| match ct.subtype() {
                        Some(sub) => format!("{}/{}", ct.ctype(), sub),
                        None => ct.ctype().to_owned(),
                    })
                    .unwrap_or_default();
                (name, content_type, part.contents().to_vec())
            })
            .collect();
        Some(Mail {
            to,
            subject: message.subject().unwrap_or_default().to_owned(),
            text: message
                .body_text(0)
                .map(|t| t.into_owned())
                .unwrap_or_default(),
            html: message.body_html(0).map(|t| t.into_owned()),
            message_id: message.message_id().map(str::to_owned),
            attachments,
            raw: raw.to_vec(),
        })
    }

    /// The first run of exactly `digits` digits in the text body: a one-time code.
    pub fn code(&self, digits: usize) -> Option<String> {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_ascii_digit() {
                let start = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                if i - start == digits {
                    return Some(chars[start..i].iter().collect());
                }
            } else {
                i += 1;
            }
        }
        None
    }
}

/// Mails in a directory written by the server's file transport (`*.eml`), oldest first.
pub fn read_dir(dir: &Path) -> Result<Vec<Mail>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .filter_map(|e| {
            let modified = e.metadata().and_then(|m| m.modified()).ok()?;
            Some((modified, e.path()))
        })
        .collect();
    files.sort();
    Ok(files
        .into_iter()
        .filter_map(|(_, path)| std::fs::read(path).ok())
        .filter_map(|raw| Mail::parse(&raw))
        .collect())
}
