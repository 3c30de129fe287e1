//! Random secrets (session tokens, one-time codes) and how they are stored: hashed.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use healthbook_domain::Sensitive;
use healthbook_domain::account::EMAIL_CODE_DIGITS;
use rand::Rng;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use sha2::{Digest, Sha256};

/// A bearer token: 256 random bits, prefixed so that a leaked token is recognisable in
/// secret scanners. Returns the token (shown once) and the hash that is stored.
pub fn new_session_token() -> (Sensitive<String>, String) {
    new_secret("hbs_")
}

/// A facility system's key: a token as a session's, with its own prefix, so that one is
/// never taken for the other.
pub fn new_system_key() -> (Sensitive<String>, String) {
    new_secret(SYSTEM_KEY_PREFIX)
}

pub const SYSTEM_KEY_PREFIX: &str = "hbk_";

fn new_secret(prefix: &str) -> (Sensitive<String>, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    let token = format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes));
    let hash = hash_token(&token);
    (Sensitive::new(token), hash)
}

/// SHA-256, hex. Tokens carry 256 bits of entropy, so a fast hash is enough: nobody can
/// search that space, and the check runs on every request.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A uniformly random 6-digit code.
pub fn new_email_code() -> Sensitive<String> {
    let upper = 10u32.pow(u32::try_from(EMAIL_CODE_DIGITS).unwrap_or(6));
    let value = rand::rng().random_range(0..upper);
    Sensitive::new(format!("{value:0width$}", width = EMAIL_CODE_DIGITS))
}

/// Codes are salted with their row id, so equal codes never share a hash.
pub fn hash_code(code_id: &uuid::Uuid, code: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(code_id.as_bytes());
    hasher.update(code.trim().as_bytes());
    hex::encode(hasher.finalize())
}

/// Compares in constant time, so response timing does not reveal how much of a hash matched.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A key every process of the deployment shares and that is kept out of the cache: created
/// with 256 random bits by the first process that asks (the insert that loses a race changes
/// nothing), then read by all.
pub async fn shared_key(
    db: &impl ConnectionTrait,
    name: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<u8>, DbErr> {
    use super::entities::server_secret;
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    server_secret::Entity::insert(server_secret::ActiveModel {
        name: Set(name.to_owned()),
        value: Set(URL_SAFE_NO_PAD.encode(bytes)),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(server_secret::Column::Name)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let stored = server_secret::Entity::find_by_id(name.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("server secret {name}")))?;
    URL_SAFE_NO_PAD
        .decode(stored.value)
        .map_err(|e| DbErr::Custom(format!("server secret {name} is not base64url: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_long_and_hash_consistently() {
        let (a, hash_a) = new_session_token();
        let (b, _) = new_session_token();
        assert_ne!(a.expose(), b.expose());
        assert!(a.expose().len() >= 4 + 43);
        assert_eq!(hash_token(a.expose()), hash_a);
    }

    #[test]
    fn codes_have_six_digits() {
        for _ in 0..100 {
            let code = new_email_code();
            assert_eq!(code.expose().len(), 6);
            assert!(code.expose().chars().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn code_hash_depends_on_the_row() {
        let a = uuid::Uuid::new_v4();
        let b = uuid::Uuid::new_v4();
        assert_ne!(hash_code(&a, "123456"), hash_code(&b, "123456"));
        assert_eq!(hash_code(&a, "123456"), hash_code(&a, " 123456 "));
        assert!(same(&hash_code(&a, "1"), &hash_code(&a, "1")));
        assert!(!same("abc", "abd"));
    }
}
