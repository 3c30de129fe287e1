//! Sealing of the store's personal values with the data key: AES-256-GCM, a random nonce per
//! value, and the row's place (table and clear key columns) as associated data, so that a
//! value copied into another row does not open. Certificates are found again by a keyed
//! digest of their text, never by the text.

use super::StoreError;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, hmac};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The length of a data key, in bytes.
pub const KEY_LEN: usize = 32;

/// The first byte of every sealed value: a later format can tell its values from these.
const FORMAT: u8 = 1;

/// Where a sealed value lives. Built by each table's module from the columns that identify
/// the row; two places are equal only for the same row.
pub(super) struct Place(Vec<u8>);

impl Place {
    pub fn new(table: &str, keys: &[&str]) -> Place {
        let mut aad = b"healthbook.store\0".to_vec();
        aad.extend_from_slice(table.as_bytes());
        for key in keys {
            aad.push(0);
            aad.extend_from_slice(key.as_bytes());
        }
        Place(aad)
    }
}

pub(super) struct Sealer {
    aead: LessSafeKey,
    digest: hmac::Key,
    random: SystemRandom,
}

impl Sealer {
    /// Derives the sealing and digest keys from a data key; `None` when `key` is not one.
    pub fn new(key: &[u8]) -> Option<Sealer> {
        if key.len() != KEY_LEN {
            return None;
        }
        // Two purposes, two keys: the digest must never be computed with the cipher's key.
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"healthbook.store").extract(key);
        let aead = prk.expand(&[b"seal"], &AES_256_GCM).ok()?;
        let digest = prk.expand(&[b"digest"], hmac::HMAC_SHA256).ok()?;
        Some(Sealer {
            aead: LessSafeKey::new(UnboundKey::from(aead)),
            digest: hmac::Key::from(digest),
            random: SystemRandom::new(),
        })
    }

    /// A fresh data key from the system's random source.
    pub fn generate() -> Result<Vec<u8>, StoreError> {
        let mut key = vec![0; KEY_LEN];
        SystemRandom::new()
            .fill(&mut key)
            .map_err(|_| StoreError::Crypto)?;
        Ok(key)
    }

    pub fn seal(&self, place: &Place, clear: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0; NONCE_LEN];
        self.random
            .fill(&mut nonce)
            .map_err(|_| StoreError::Crypto)?;
        let mut body = clear.to_vec();
        self.aead
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(place.0.as_slice()),
                &mut body,
            )
            .map_err(|_| StoreError::Crypto)?;
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + body.len());
        sealed.push(FORMAT);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&body);
        Ok(sealed)
    }

    /// The clear value; an error when it was sealed with another key, for another place, or
    /// changed since.
    pub fn open(&self, place: &Place, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        let unreadable = || StoreError::Corrupt("a sealed value does not open".to_owned());
        let (&format, rest) = sealed.split_first().ok_or_else(unreadable)?;
        if format != FORMAT || rest.len() < NONCE_LEN {
            return Err(unreadable());
        }
        let (nonce, body) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| unreadable())?;
        let mut body = body.to_vec();
        let clear = self
            .aead
            .open_in_place(nonce, Aad::from(place.0.as_slice()), &mut body)
            .map_err(|_| unreadable())?;
        Ok(clear.to_vec())
    }

    pub fn seal_json<T: Serialize>(&self, place: &Place, value: &T) -> Result<Vec<u8>, StoreError> {
        let json = serde_json::to_vec(value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.seal(place, &json)
    }

    pub fn open_json<T: DeserializeOwned>(
        &self,
        place: &Place,
        sealed: &[u8],
    ) -> Result<T, StoreError> {
        serde_json::from_slice(&self.open(place, sealed)?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// A digest of `value` that only this key computes: equal values are found equal without
    /// storing them, and a guess cannot be checked against the file.
    pub fn digest(&self, value: &[u8]) -> Vec<u8> {
        hmac::sign(&self.digest, value).as_ref().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer() -> Sealer {
        Sealer::new(&Sealer::generate().unwrap()).unwrap()
    }

    #[test]
    fn a_sealed_value_opens_only_in_its_own_place_and_with_its_own_key() {
        let sealer = sealer();
        let here = Place::new("profile", &["a"]);
        let sealed = sealer.seal(&here, b"Tran Thi Lan").unwrap();
        assert_eq!(sealer.open(&here, &sealed).unwrap(), b"Tran Thi Lan");
        assert!(!sealed.windows(4).any(|w| w == b"Tran"));
        assert!(
            sealer
                .open(&Place::new("profile", &["b"]), &sealed)
                .is_err()
        );
        assert!(
            sealer
                .open(&Place::new("entries", &["a"]), &sealed)
                .is_err()
        );
        assert!(self::sealer().open(&here, &sealed).is_err());
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(sealer.open(&here, &altered).is_err());
    }

    #[test]
    fn the_same_value_seals_differently_each_time_and_digests_alike() {
        let sealer = sealer();
        let place = Place::new("certificates", &["x"]);
        assert_ne!(
            sealer.seal(&place, b"HC1:x").unwrap(),
            sealer.seal(&place, b"HC1:x").unwrap()
        );
        assert_eq!(sealer.digest(b"HC1:x"), sealer.digest(b"HC1:x"));
        assert_ne!(sealer.digest(b"HC1:x"), self::sealer().digest(b"HC1:x"));
    }

    #[test]
    fn a_key_of_the_wrong_length_is_refused() {
        assert!(Sealer::new(&[0; 16]).is_none());
        assert!(Sealer::new(&[]).is_none());
    }
}
