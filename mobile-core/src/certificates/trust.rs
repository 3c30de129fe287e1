//! What the phone trusts, rebuilt from the store: the signed lists are checked again with the
//! pinned key each time they are loaded, so a store edited behind the app's back verifies
//! nothing. Then the verdict on one `HC1:` text, at a given instant.

use super::{CertificateDetails, ListsStatus, VerificationOutcome};
use crate::store::StoredList;
use chrono::{DateTime, Utc};
use healthbook_domain::certificate::{
    self, Dcc, EnvelopeError, Event, RevocationIndex, SignedEnvelope, TrustStore,
    VerifiedCertificate, VerifyError, VerifyingKey, routine::TargetDisease,
};
use healthbook_domain::{Lang, Localized};

/// The trust store and revocations the stored lists yield, with their status.
pub struct Trust {
    pub store: TrustStore,
    pub revocations: Option<RevocationIndex>,
    pub status: ListsStatus,
}

/// Parses a stored envelope and opens it with the pinned key.
pub fn open_trust_list(
    list: &StoredList,
    key: &VerifyingKey,
    previously_seen: Option<u64>,
    now: DateTime<Utc>,
) -> Result<certificate::Opened<certificate::TrustListDocument>, EnvelopeError> {
    let envelope: SignedEnvelope = serde_json::from_str(&list.envelope)
        .map_err(|error| EnvelopeError::Json(error.to_string()))?;
    certificate::verify_trust_list(&envelope, key, previously_seen, now)
}

pub fn open_revocations(
    list: &StoredList,
    key: &VerifyingKey,
    previously_seen: Option<u64>,
    now: DateTime<Utc>,
) -> Result<certificate::Opened<certificate::RevocationListDocument>, EnvelopeError> {
    let envelope: SignedEnvelope = serde_json::from_str(&list.envelope)
        .map_err(|error| EnvelopeError::Json(error.to_string()))?;
    certificate::verify_revocation_list(&envelope, key, previously_seen, now)
}

/// Builds what to verify with from the stored lists. A list that no longer opens with the
/// pinned key (the store was tampered with, or the key changed) counts as absent.
pub fn load(
    key: Option<&VerifyingKey>,
    trust_list: Option<&StoredList>,
    revocations: Option<&StoredList>,
    now: DateTime<Utc>,
) -> Trust {
    let mut status = ListsStatus {
        pinned: key.is_some(),
        trust_list_version: None,
        trust_list_issued_at: None,
        revocations_version: None,
        revocations_issued_at: None,
        fetched_at: None,
        stale: false,
        skipped_entries: Vec::new(),
    };
    let Some(key) = key else {
        return Trust {
            store: TrustStore::new(),
            revocations: None,
            status,
        };
    };
    let opened =
        trust_list.and_then(|list| Some((list, open_trust_list(list, key, None, now).ok()?)));
    let store = match opened {
        Some((list, opened)) => {
            let loaded = opened.document.trust_store();
            status.trust_list_version = Some(opened.document.version);
            status.trust_list_issued_at = Some(opened.document.issued_at);
            status.fetched_at = Some(list.fetched_at);
            status.stale |= opened.stale;
            status.skipped_entries = loaded.skipped;
            loaded.store
        }
        None => TrustStore::new(),
    };
    let revocations = revocations.and_then(|list| {
        let opened = open_revocations(list, key, None, now).ok()?;
        status.revocations_version = Some(opened.document.version);
        status.revocations_issued_at = Some(opened.document.issued_at);
        // The older of the two confirmations: what the phone may claim about both lists.
        status.fetched_at = Some(match status.fetched_at {
            Some(trust_list_fetched) => trust_list_fetched.min(list.fetched_at),
            None => list.fetched_at,
        });
        status.stale |= opened.stale;
        Some(RevocationIndex::from_document(&opened.document))
    });
    Trust {
        store,
        revocations,
        status,
    }
}

/// The verdict on `hc1` at `now`, and what it says when it can be read at all.
pub fn check(
    hc1: &str,
    trust: &Trust,
    now: DateTime<Utc>,
    lang: Lang,
) -> (VerificationOutcome, Option<CertificateDetails>) {
    let hc1 = hc1.trim();
    match certificate::verify(hc1, &trust.store, now) {
        Ok(verified) => {
            let revoked = trust
                .revocations
                .as_ref()
                .is_some_and(|index| index.is_revoked(&verified));
            let outcome = if revoked {
                VerificationOutcome::Revoked
            } else {
                VerificationOutcome::Valid
            };
            (outcome, Some(details_of_verified(verified, lang)))
        }
        Err(error) => {
            let outcome = match &error {
                VerifyError::UnknownKeyId(_) => VerificationOutcome::UnknownIssuer,
                other => VerificationOutcome::Invalid {
                    code: other.code().to_owned(),
                    message: other.message(lang),
                },
            };
            (outcome, details_unverified(hc1, lang))
        }
    }
}

fn details_of_verified(verified: VerifiedCertificate, lang: Lang) -> CertificateDetails {
    details(
        verified.dcc,
        verified.issuer,
        Some(verified.issued_at),
        Some(verified.expires_at),
        lang,
    )
}

/// What a text says without any check of trust: shown for an unknown issuer or a broken
/// signature, always beside the verdict, never as a valid certificate.
fn details_unverified(hc1: &str, lang: Lang) -> Option<CertificateDetails> {
    let unverified = certificate::decode_unverified(hc1).ok()?;
    let dcc = Dcc::from_json(unverified.claims.dcc).ok()?;
    let instant = |seconds: Option<i64>| seconds.and_then(|s| DateTime::from_timestamp(s, 0));
    Some(details(
        dcc,
        unverified.claims.issuer,
        instant(unverified.claims.issued_at),
        instant(unverified.claims.expires_at),
        lang,
    ))
}

fn details(
    dcc: Dcc,
    issuer_country: Option<String>,
    issued_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    lang: Lang,
) -> CertificateDetails {
    let (target, certificate_id) = match &dcc.event {
        Event::Vaccination(entry) => (&entry.tg, &entry.ci),
        Event::Test(entry) => (&entry.tg, &entry.ci),
        Event::Recovery(entry) => (&entry.tg, &entry.ci),
    };
    let target_disease = match TargetDisease::from_snomed_ct(target) {
        Some(disease) => match lang {
            Lang::Vi => disease.name_vi().to_owned(),
            Lang::En => disease.name_en().to_owned(),
        },
        None => target.clone(),
    };
    CertificateDetails {
        holder_name: holder_name(&dcc),
        certificate_type: dcc.certificate_type(),
        target_disease,
        certificate_id: certificate_id.clone(),
        issuer_country,
        issued_at,
        expires_at,
        dcc,
    }
}

/// The name as the person writes it ("Trần Bảo Châu": family name first, as in Việt Nam),
/// or the transliterated one when the certificate carries no other.
fn holder_name(dcc: &Dcc) -> String {
    let name = &dcc.nam;
    let written: Vec<&str> = [name.r#fn.as_deref(), name.gn.as_deref()]
        .into_iter()
        .flatten()
        .filter(|part| !part.is_empty())
        .collect();
    if !written.is_empty() {
        return written.join(" ");
    }
    [Some(name.fnt.as_str()), name.gnt.as_deref()]
        .into_iter()
        .flatten()
        .map(|part| part.replace('<', " "))
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_owned()
}
