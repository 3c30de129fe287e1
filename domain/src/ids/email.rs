//! E-mail addresses, validated the practical way: strict enough to catch typos in a form,
//! loose enough not to turn away a real mailbox. Only sending a message proves an address.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use unicode_normalization::UnicodeNormalization;

use crate::i18n::{Lang, Localized};

const MAX_LENGTH: usize = 254;
const MAX_LOCAL_PART_LENGTH: usize = 64;
const MAX_LABEL_LENGTH: usize = 63;

/// `local@domain`, trimmed, the domain lower-cased and in NFC (domains are case-insensitive;
/// local parts in principle are not, so they are kept as typed). Internationalised domains
/// are kept in Unicode. Lengths count characters, not octets.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The key an account is found by: the address as typed, trimmed and lower-cased, so that
    /// `Lan@Example.VN` and `lan@example.vn ` find the same account. Also for text that is
    /// not a valid address (a sign-in form), which then finds nothing.
    pub fn lookup_key(input: &str) -> String {
        input.trim().to_lowercase()
    }

    pub fn parse(input: &str) -> Result<EmailAddress, EmailAddressError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailAddressError::Empty);
        }
        let mut parts = trimmed.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(if trimmed.contains('@') {
                EmailAddressError::SeveralAts
            } else {
                EmailAddressError::MissingAt
            });
        };
        check_local_part(local)?;
        let domain: String = domain.to_lowercase().nfc().collect();
        check_domain(&domain)?;
        let address = format!("{local}@{domain}");
        if address.chars().count() > MAX_LENGTH {
            return Err(EmailAddressError::TooLong);
        }
        Ok(EmailAddress(address))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(local, _)| local)
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

fn check_local_part(local: &str) -> Result<(), EmailAddressError> {
    if local.is_empty() {
        return Err(EmailAddressError::LocalPartEmpty);
    }
    if local.chars().count() > MAX_LOCAL_PART_LENGTH {
        return Err(EmailAddressError::LocalPartTooLong);
    }
    // Quoted local parts and comments are legal but never typed by people; refusing them keeps
    // addresses safe to put in a header or a URL.
    let forbidden = |c: char| c.is_whitespace() || c.is_control() || "\"(),:;<>[\\]".contains(c);
    if local.chars().any(forbidden)
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
    {
        return Err(EmailAddressError::LocalPartInvalid);
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), EmailAddressError> {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(EmailAddressError::DomainWithoutDot);
    }
    let label_is_valid = |label: &&str| {
        !label.is_empty()
            && label.chars().count() <= MAX_LABEL_LENGTH
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c == '-' || c.is_alphanumeric())
    };
    let top_level_is_numeric = labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()));
    if !labels.iter().all(label_is_valid) || top_level_is_numeric {
        return Err(EmailAddressError::DomainInvalid);
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailAddressError {
    #[error("the e-mail address is empty")]
    Empty,
    #[error("an e-mail address has an @")]
    MissingAt,
    #[error("an e-mail address has only one @")]
    SeveralAts,
    #[error("an e-mail address has a name before the @")]
    LocalPartEmpty,
    #[error("the part of an e-mail address before the @ has at most 64 characters")]
    LocalPartTooLong,
    #[error(
        "the part of an e-mail address before the @ has no spaces, quotes or brackets, and no dot at either end or twice in a row"
    )]
    LocalPartInvalid,
    #[error("the domain of an e-mail address has a dot, as in example.vn")]
    DomainWithoutDot,
    #[error("the domain of an e-mail address is made of letters, digits and hyphens between dots")]
    DomainInvalid,
    #[error("an e-mail address has at most 254 characters")]
    TooLong,
}

impl Localized for EmailAddressError {
    fn code(&self) -> &'static str {
        match self {
            EmailAddressError::Empty => "email_empty",
            EmailAddressError::MissingAt => "email_missing_at",
            EmailAddressError::SeveralAts => "email_several_ats",
            EmailAddressError::LocalPartEmpty => "email_local_part_empty",
            EmailAddressError::LocalPartTooLong => "email_local_part_too_long",
            EmailAddressError::LocalPartInvalid => "email_local_part_invalid",
            EmailAddressError::DomainWithoutDot => "email_domain_without_dot",
            EmailAddressError::DomainInvalid => "email_domain_invalid",
            EmailAddressError::TooLong => "email_too_long",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let vietnamese = match self {
            EmailAddressError::Empty => "Chưa nhập địa chỉ email.",
            EmailAddressError::MissingAt => "Địa chỉ email phải có ký tự @.",
            EmailAddressError::SeveralAts => "Địa chỉ email chỉ có một ký tự @.",
            EmailAddressError::LocalPartEmpty => "Địa chỉ email phải có tên trước ký tự @.",
            EmailAddressError::LocalPartTooLong => {
                "Phần trước ký tự @ của địa chỉ email dài tối đa 64 ký tự."
            }
            EmailAddressError::LocalPartInvalid => {
                "Phần trước ký tự @ không được chứa dấu cách, dấu ngoặc, dấu nháy, và không có dấu chấm ở đầu, ở cuối hoặc hai dấu chấm liền nhau."
            }
            EmailAddressError::DomainWithoutDot => {
                "Tên miền của địa chỉ email phải có dấu chấm, ví dụ example.vn."
            }
            EmailAddressError::DomainInvalid => {
                "Tên miền của địa chỉ email chỉ gồm chữ cái, chữ số và dấu gạch ngang giữa các dấu chấm."
            }
            EmailAddressError::TooLong => "Địa chỉ email dài tối đa 254 ký tự.",
        };
        match lang {
            Lang::Vi => vietnamese.to_owned(),
            Lang::En => format!("{self}."),
        }
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for EmailAddress {
    type Err = EmailAddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EmailAddress::parse(s)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = EmailAddressError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        EmailAddress::parse(&s)
    }
}

impl From<EmailAddress> for String {
    fn from(address: EmailAddress) -> String {
        address.0
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_trims_and_lower_cases_only_the_domain() {
        let address = EmailAddress::parse("  Nguyen.Van.A@Example.VN ").unwrap();
        assert_eq!(address.as_str(), "Nguyen.Van.A@example.vn");
        assert_eq!(address.local_part(), "Nguyen.Van.A");
        assert_eq!(address.domain(), "example.vn");
    }

    #[test]
    fn email_accepts_unicode_domains() {
        let address = EmailAddress::parse("lienhe@BệnhViện.vn").unwrap();
        assert_eq!(address.domain(), "bệnhviện.vn");
    }

    #[test]
    fn email_rejects_common_typos() {
        let cases = [
            ("", EmailAddressError::Empty),
            ("a.example.vn", EmailAddressError::MissingAt),
            ("a@b@example.vn", EmailAddressError::SeveralAts),
            ("@example.vn", EmailAddressError::LocalPartEmpty),
            ("a b@example.vn", EmailAddressError::LocalPartInvalid),
            ("a..b@example.vn", EmailAddressError::LocalPartInvalid),
            (".a@example.vn", EmailAddressError::LocalPartInvalid),
            ("a@localhost", EmailAddressError::DomainWithoutDot),
            ("a@example..vn", EmailAddressError::DomainInvalid),
            ("a@-example.vn", EmailAddressError::DomainInvalid),
            ("a@exa_mple.vn", EmailAddressError::DomainInvalid),
            ("a@192.168.0.1", EmailAddressError::DomainInvalid),
            ("a@example.vn.", EmailAddressError::DomainInvalid),
        ];
        for (input, expected) in cases {
            assert_eq!(EmailAddress::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn email_enforces_length_limits() {
        let local = "a".repeat(65);
        assert_eq!(
            EmailAddress::parse(&format!("{local}@example.vn")),
            Err(EmailAddressError::LocalPartTooLong)
        );
        let label = "b".repeat(60);
        let long_domain = [label.as_str(); 5].join(".") + ".vn";
        assert_eq!(
            EmailAddress::parse(&format!("a@{long_domain}")),
            Err(EmailAddressError::TooLong)
        );
        assert_eq!(
            EmailAddress::parse(&format!("a@{}.vn", "c".repeat(64))),
            Err(EmailAddressError::DomainInvalid)
        );
    }
}
