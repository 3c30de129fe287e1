//! `healthbook create-staff`.

use crate::auth::codes::{self, Purpose};
use crate::auth::mails;
use crate::auth::staff::NewStaff;
use crate::booking::entities::facility;
use crate::cli::CreateStaffArgs;
use crate::config::Config;
use crate::db::BeginWrite;
use healthbook_domain::Lang;
use healthbook_domain::account::StaffRole;
use healthbook_domain::ids::EmailAddress;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::io::Write;

/// `healthbook create-staff`: bootstraps the first support officer (or any staff account)
/// from the command line. The enrolment code is printed and mailed directly (never through
/// the outbox, whose rows must not hold a code), because on a new installation mail may not
/// be configured yet.
pub async fn create_staff(config: Config, args: CreateStaffArgs) -> anyhow::Result<()> {
    let state = crate::run::build_state(config).await?;
    let now = state.clock.now();
    let email = EmailAddress::parse(&args.email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let role = StaffRole::parse(&args.role)
        .ok_or_else(|| anyhow::anyhow!("--role: unknown role {}", args.role))?;
    let full_name = healthbook_domain::account::check_full_name(&args.name)
        .map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let facility_id = match &args.facility {
        Some(code) => Some(
            facility::Entity::find()
                .filter(facility::Column::Code.eq(code.trim()))
                .one(&state.db)
                .await?
                .ok_or_else(|| anyhow::anyhow!("--facility: no facility with code {code}"))?
                .id,
        ),
        None => None,
    };
    let staff = NewStaff {
        email,
        full_name,
        role,
        facility_id,
        admin_unit: args.admin_unit.clone(),
        lang: Lang::Vi,
    };
    let txn = state.db.begin_write().await?;
    let id = crate::auth::staff::create_account(&txn, &staff, None, now)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.detail.en))?;
    let code = codes::issue_now(&txn, id, Purpose::StaffEnrolment, now).await?;
    txn.commit().await?;
    let hours = Purpose::StaffEnrolment.lifetime().num_hours();
    let link = format!("{}/enrol#code={}", state.config.public_url, code.expose());
    let mail = mails::staff_enrolment(
        staff.email.as_str(),
        &staff.full_name,
        &code,
        &link,
        hours,
        staff.lang,
    );
    if let Err(error) = state.mailer.send_now(mail).await {
        tracing::warn!(error = %error, "enrolment mail not sent; hand the printed code over");
    }
    let mut out = std::io::stdout();
    writeln!(
        out,
        "Created {} account {id} for {}.",
        role.as_str(),
        staff.email
    )?;
    writeln!(
        out,
        "Enrolment code (valid 72 hours, single use): {}",
        code.expose()
    )?;
    writeln!(
        out,
        "Enrol with POST /v1/auth/staff/enrol, then register a passkey."
    )?;
    Ok(())
}
