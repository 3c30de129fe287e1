//! Keys HealthBook generates into the data directory: adopted, generated when missing,
//! replaced past their key usage period, rotated on request.

use super::{KeyAction, KeyChange, KeySource, kid_of, new_key, usable};
use crate::certificates::CertificateError;
use crate::certificates::keys::{self, KeyDir, KeyMaterial, Role};
use crate::certificates::store::{self, KeyRow};
use crate::db::BeginWrite;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use healthbook_domain::certificate::{CertificateType, KeyId};
use sea_orm::DatabaseConnection;

/// Registers key files that have no row (a fresh database beside an old data directory).
async fn adopt_files(
    db: &DatabaseConnection,
    dir: &KeyDir,
    now: DateTime<Utc>,
) -> Result<(), CertificateError> {
    for role in [Role::Csca, Role::TrustList, Role::Dsc] {
        for der in dir.certificates(role)? {
            store::insert_key(db, new_key(role, &der, None, false, "generated")?, now).await?;
        }
    }
    Ok(())
}

/// The newest inactive key of `role` that could sign now and whose private key is here.
async fn adoptable(
    db: &DatabaseConnection,
    dir: &KeyDir,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Option<KeyRow>, CertificateError> {
    let rows = store::keys_of_role(db, role.as_str()).await?;
    for row in rows.into_iter().rev() {
        if row.active_for.is_none()
            && row.retired_at.is_none()
            && usable(&row, now)
            && dir.has_private_key(role, &kid_of(&row)?)
        {
            return Ok(Some(row));
        }
    }
    Ok(None)
}

/// `keys init`: idempotent; also what `serve` runs at start.
pub(super) async fn ensure_generated(
    db: &DatabaseConnection,
    dir: &KeyDir,
    country: &str,
    uses: &[CertificateType],
    now: DateTime<Utc>,
) -> Result<Vec<KeyChange>, CertificateError> {
    let _lock = dir.lock()?;
    adopt_files(db, dir, now).await?;
    let mut changes = Vec::new();
    let mut csca: Option<KeyMaterial> = None;
    for role in [Role::TrustList, Role::Dsc] {
        match store::active_key(db, role.as_str()).await? {
            Some(row) if role == Role::Dsc && now >= row.signing_until => {
                tracing::warn!(
                    key.kid = %row.kid,
                    key.signing_until = %row.signing_until,
                    "the document signer's key usage period is over: rotating"
                );
                let issuer = usable_csca(db, dir, country, now, &mut changes, &mut csca).await?;
                let retired = replace_dsc(db, dir, issuer, country, uses, &row, now).await?;
                changes.extend(retired);
            }
            Some(row) => {
                let kid = kid_of(&row)?;
                if !dir.has_private_key(role, &kid) {
                    return Err(CertificateError::MissingPrivateKey {
                        role,
                        kid,
                        place: dir.path().display().to_string(),
                    });
                }
                changes.push(KeyChange {
                    role,
                    kid,
                    action: KeyAction::Kept,
                });
            }
            None => {
                if let Some(row) = adoptable(db, dir, role, now).await?
                    && store::activate(db, &row.kid, role.as_str()).await?
                {
                    changes.push(KeyChange {
                        role,
                        kid: kid_of(&row)?,
                        action: KeyAction::Adopted,
                    });
                    continue;
                }
                let issuer = usable_csca(db, dir, country, now, &mut changes, &mut csca).await?;
                let material = keys::issue(role, issuer, country, uses, now)?;
                register_new(db, dir, role, &material, Some(issuer.kid()), None, now).await?;
                changes.push(KeyChange {
                    role,
                    kid: material.kid(),
                    action: KeyAction::Generated,
                });
            }
        }
    }
    if !changes.iter().any(|change| change.role == Role::Csca)
        && let Some(row) = store::active_key(db, Role::Csca.as_str()).await?
    {
        changes.insert(
            0,
            KeyChange {
                role: Role::Csca,
                kid: kid_of(&row)?,
                action: KeyAction::Kept,
            },
        );
    }
    Ok(changes)
}

/// The active CSCA with its key, replaced by a new one when its key usage period is over.
async fn usable_csca<'m>(
    db: &DatabaseConnection,
    dir: &KeyDir,
    country: &str,
    now: DateTime<Utc>,
    changes: &mut Vec<KeyChange>,
    loaded: &'m mut Option<KeyMaterial>,
) -> Result<&'m KeyMaterial, CertificateError> {
    if loaded.is_none() {
        let material = csca_for_issuing(db, dir, country, now, changes, false).await?;
        *loaded = Some(material);
    }
    loaded
        .as_ref()
        .ok_or(CertificateError::NoActiveKey(Role::Csca))
}

async fn csca_for_issuing(
    db: &DatabaseConnection,
    dir: &KeyDir,
    country: &str,
    now: DateTime<Utc>,
    changes: &mut Vec<KeyChange>,
    force_new: bool,
) -> Result<KeyMaterial, CertificateError> {
    let active = store::active_key(db, Role::Csca.as_str()).await?;
    if let Some(row) = &active {
        let kid = kid_of(row)?;
        if !force_new && usable(row, now) && dir.has_private_key(Role::Csca, &kid) {
            return Ok(dir.read(Role::Csca, &kid)?);
        }
    } else if !force_new
        && let Some(row) = adoptable(db, dir, Role::Csca, now).await?
        && store::activate(db, &row.kid, Role::Csca.as_str()).await?
    {
        let kid = kid_of(&row)?;
        changes.push(KeyChange {
            role: Role::Csca,
            kid,
            action: KeyAction::Adopted,
        });
        return Ok(dir.read(Role::Csca, &kid)?);
    }
    let material = keys::generate_csca(country, now)?;
    register_new(db, dir, Role::Csca, &material, None, active.as_ref(), now).await?;
    if let Some(row) = &active {
        changes.push(KeyChange {
            role: Role::Csca,
            kid: kid_of(row)?,
            action: KeyAction::Retired,
        });
    }
    changes.push(KeyChange {
        role: Role::Csca,
        kid: material.kid(),
        action: KeyAction::Generated,
    });
    Ok(material)
}

/// Writes the key files, then records the key as active for its role, retiring `replaces`
/// in the same transaction. On any failure the new files are removed again.
async fn register_new(
    db: &DatabaseConnection,
    dir: &KeyDir,
    role: Role,
    material: &KeyMaterial,
    issuer: Option<KeyId>,
    replaces: Option<&KeyRow>,
    now: DateTime<Utc>,
) -> Result<(), CertificateError> {
    dir.write(role, material)?;
    let result = async {
        let row = new_key(role, &material.certificate_der, issuer, true, "generated")?;
        let txn = db.begin_write().await?;
        if let Some(old) = replaces
            && !store::retire(&txn, &old.kid, now).await?
        {
            txn.rollback().await?;
            return Err(CertificateError::Conflict);
        }
        store::insert_key(&txn, row, now).await?;
        txn.commit().await?;
        Ok(())
    }
    .await;
    if result.is_err() {
        dir.discard(role, &material.kid());
    }
    result
}

async fn replace_dsc(
    db: &DatabaseConnection,
    dir: &KeyDir,
    csca: &KeyMaterial,
    country: &str,
    uses: &[CertificateType],
    old: &KeyRow,
    now: DateTime<Utc>,
) -> Result<Vec<KeyChange>, CertificateError> {
    let material = keys::issue(Role::Dsc, csca, country, uses, now)?;
    register_new(
        db,
        dir,
        Role::Dsc,
        &material,
        Some(csca.kid()),
        Some(old),
        now,
    )
    .await?;
    Ok(vec![
        KeyChange {
            role: Role::Dsc,
            kid: kid_of(old)?,
            action: KeyAction::Retired,
        },
        KeyChange {
            role: Role::Dsc,
            kid: material.kid(),
            action: KeyAction::Generated,
        },
    ])
}

/// `keys rotate`: a new DSC (and a new CSCA when the old one's key may no longer sign, or
/// when asked) becomes active; the old DSC is retired for signing and stays published.
pub async fn rotate(
    db: &DatabaseConnection,
    source: &KeySource,
    country: &str,
    uses: Option<&[CertificateType]>,
    new_csca: bool,
    now: DateTime<Utc>,
) -> Result<Vec<KeyChange>, CertificateError> {
    let KeySource::Generated(dir) = source else {
        return Err(CertificateError::Configured);
    };
    let _lock = dir.lock()?;
    adopt_files(db, dir, now).await?;
    let Some(old) = store::active_key(db, Role::Dsc.as_str()).await? else {
        return Err(CertificateError::NoActiveKey(Role::Dsc));
    };
    let previous_uses = keys::facts(
        &STANDARD
            .decode(&old.certificate)
            .map_err(|_| CertificateError::Corrupt(old.kid.clone()))?,
        "the active DSC",
    )?
    .allowed;
    let uses = match uses {
        Some(uses) => uses.to_vec(),
        None if previous_uses == healthbook_domain::certificate::AllowedUses::ANY => Vec::new(),
        None => previous_uses.types(),
    };
    let mut changes = Vec::new();
    let csca = csca_for_issuing(db, dir, country, now, &mut changes, new_csca).await?;
    changes.extend(replace_dsc(db, dir, &csca, country, &uses, &old, now).await?);
    Ok(changes)
}
