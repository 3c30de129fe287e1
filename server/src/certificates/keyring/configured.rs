//! Keys made and kept outside HealthBook, named in the configuration as PEM files.

use super::{ConfiguredKeys, KeyAction, KeyChange, kid_of, new_key};
use crate::certificates::CertificateError;
use crate::certificates::keys::{self, KeyMaterial, Role};
use crate::certificates::store::{self};
use crate::db::BeginWrite;
use chrono::{DateTime, Utc};
use healthbook_domain::certificate::KeyId;
use sea_orm::DatabaseConnection;

/// Records the configured PEM keys and makes them the active ones; keys configured before
/// are retired for signing and stay published until they expire.
pub(super) async fn sync_configured(
    db: &DatabaseConnection,
    configured: &ConfiguredKeys,
    now: DateTime<Utc>,
) -> Result<Vec<KeyChange>, CertificateError> {
    let csca = keys::read_certificate_pem(&configured.csca_cert)?;
    let dsc = KeyMaterial::new(
        keys::read_certificate_pem(&configured.dsc_cert)?,
        keys::read_private_key_pem(&configured.dsc_key)?,
    );
    let trust_list = KeyMaterial::new(
        keys::read_certificate_pem(&configured.trust_list_cert)?,
        keys::read_private_key_pem(&configured.trust_list_key)?,
    );
    // Both keys must match their certificates, and both certificates must chain to the CSCA.
    dsc.signer()?;
    trust_list.signer()?;
    for (material, path) in [
        (&dsc, &configured.dsc_cert),
        (&trust_list, &configured.trust_list_cert),
    ] {
        if !keys::issued_by(&material.certificate_der, &csca) {
            return Err(keys::KeyError::Chain(path.display().to_string()).into());
        }
    }
    let csca_kid = keys::facts(&csca, "the CSCA certificate")?.kid;
    store::insert_key(
        db,
        new_key(Role::Csca, &csca, None, false, "configured")?,
        now,
    )
    .await?;
    for path in &configured.retired_dsc_certs {
        let der = keys::read_certificate_pem(path)?;
        let issuer = keys::issued_by(&der, &csca).then_some(csca_kid);
        store::insert_key(
            db,
            new_key(Role::Dsc, &der, issuer, false, "configured")?,
            now,
        )
        .await?;
    }
    let mut changes = Vec::new();
    for (role, der) in [
        (Role::Csca, csca.as_slice()),
        (Role::TrustList, trust_list.certificate_der.as_slice()),
        (Role::Dsc, dsc.certificate_der.as_slice()),
    ] {
        let issuer = (role != Role::Csca).then_some(csca_kid);
        let row = new_key(role, der, issuer, false, "configured")?;
        let kid = row.kid.clone();
        let signing_until = row.signing_until;
        store::insert_key(db, row, now).await?;
        changes.extend(make_active(db, role, &kid, now).await?);
        if role == Role::Dsc && now >= signing_until {
            tracing::warn!(
                key.kid = %kid,
                key.signing_until = %signing_until,
                "the configured document signer's key usage period is over: configure a new DSC"
            );
        }
    }
    Ok(changes)
}

/// Makes `kid` the active key of `role`, retiring the one active before; safe when several
/// processes with the same configuration start at once.
pub(super) async fn make_active(
    db: &DatabaseConnection,
    role: Role,
    kid: &str,
    now: DateTime<Utc>,
) -> Result<Vec<KeyChange>, CertificateError> {
    let parsed = KeyId::from_base64(kid).ok_or_else(|| CertificateError::Corrupt(kid.into()))?;
    for _ in 0..3 {
        let active = store::active_key(db, role.as_str()).await?;
        if active.as_ref().is_some_and(|row| row.kid == kid) {
            return Ok(vec![KeyChange {
                role,
                kid: parsed,
                action: KeyAction::Kept,
            }]);
        }
        let txn = db.begin_write().await?;
        if let Some(old) = &active
            && !store::retire(&txn, &old.kid, now).await?
        {
            txn.rollback().await?;
            continue;
        }
        match store::activate(&txn, kid, role.as_str()).await {
            Ok(true) => {
                txn.commit().await?;
                let mut changes = Vec::new();
                if let Some(old) = &active {
                    changes.push(KeyChange {
                        role,
                        kid: kid_of(old)?,
                        action: KeyAction::Retired,
                    });
                }
                changes.push(KeyChange {
                    role,
                    kid: parsed,
                    action: KeyAction::Adopted,
                });
                return Ok(changes);
            }
            Ok(false) | Err(_) => {
                txn.rollback().await?;
            }
        }
    }
    Err(CertificateError::Conflict)
}
