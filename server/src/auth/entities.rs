//! Tables of the identity capability.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod account {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "accounts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub kind: String,
        pub email: String,
        #[sea_orm(unique)]
        pub email_key: String,
        pub email_verified_at: Option<DateTimeUtc>,
        pub display_name: String,
        pub phone: Option<String>,
        pub lang: String,
        pub status: String,
        pub locked_until: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    no_relations!();

    impl Model {
        /// What kind of account this is; a row of no known kind is neither, and gets nothing.
        pub fn kind(&self) -> Option<healthbook_domain::account::AccountKind> {
            healthbook_domain::account::AccountKind::parse(&self.kind)
        }

        pub fn is_citizen(&self) -> bool {
            self.kind() == Some(healthbook_domain::account::AccountKind::Citizen)
        }

        pub fn is_staff(&self) -> bool {
            self.kind() == Some(healthbook_domain::account::AccountKind::Staff)
        }

        /// Not locked by support (a temporary lockout is `locked_until`, checked apart).
        pub fn is_active(&self) -> bool {
            self.status == healthbook_domain::account::AccountStatus::Active.as_str()
        }
    }
}

pub mod citizen {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "citizens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub account_id: Option<Uuid>,
        #[sea_orm(unique)]
        pub national_id: String,
        pub full_name: String,
        pub date_of_birth: Date,
        pub sex: String,
        pub verification: String,
        pub verified_at: Option<DateTimeUtc>,
        pub verified_by: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    no_relations!();
}

pub mod guardianship {
    use sea_orm::Condition;
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "guardianships")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub guardian_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub dependent_id: Uuid,
        pub status: String,
        pub invited_by: Option<Uuid>,
        pub invite_email_key: Option<String>,
        pub ends_on: Option<Date>,
        pub created_at: DateTimeUtc,
        pub accepted_at: Option<DateTimeUtc>,
    }

    no_relations!();

    /// Guardianships in force on `today`: active, and not ended (one ends on the dependent's
    /// 18th birthday unless the adult granted it again, which clears `ends_on`).
    pub fn in_force(today: Date) -> Condition {
        Condition::all()
            .add(Column::Status.eq(healthbook_domain::account::GuardianshipStatus::Active.as_str()))
            .add(
                Condition::any()
                    .add(Column::EndsOn.is_null())
                    .add(Column::EndsOn.gt(today)),
            )
    }
}

pub mod staff_role {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "staff_roles")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub account_id: Uuid,
        pub role: String,
        pub facility_id: Option<Uuid>,
        pub admin_unit: Option<String>,
        pub granted_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
    }

    no_relations!();
}

pub mod passkey {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "passkeys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub account_id: Uuid,
        #[sea_orm(unique)]
        pub credential_id: String,
        pub credential: String,
        pub name: String,
        pub created_at: DateTimeUtc,
        pub last_used_at: Option<DateTimeUtc>,
        /// The authenticator's `credProps.rk`, when it reported one.
        pub discoverable: Option<bool>,
    }

    no_relations!();
}

pub mod session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        #[sea_orm(unique)]
        pub token_hash: String,
        pub account_id: Uuid,
        pub assurance: String,
        pub device_name: Option<String>,
        pub created_at: DateTimeUtc,
        pub last_seen_at: DateTimeUtc,
        pub idle_expires_at: DateTimeUtc,
        pub absolute_expires_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
        /// The passkey that opened the session (passkey sessions only).
        pub passkey_id: Option<Uuid>,
    }

    no_relations!();
}

pub mod email_code {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "email_codes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub account_id: Uuid,
        pub purpose: String,
        pub code_hash: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub attempts: i32,
        pub consumed_at: Option<DateTimeUtc>,
    }

    no_relations!();
}

pub mod ceremony {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "webauthn_ceremonies")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub kind: String,
        pub account_id: Option<Uuid>,
        pub session_id: Option<Uuid>,
        pub passkey_name: Option<String>,
        pub state: String,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
    }

    no_relations!();
}

pub mod auth_event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "auth_events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub account_id: Option<Uuid>,
        pub kind: String,
        pub at: DateTimeUtc,
        pub actor_account_id: Option<Uuid>,
        pub ip: Option<String>,
        pub detail: Option<String>,
    }

    no_relations!();
}

pub mod server_secret {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "server_secrets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        pub value: String,
        pub created_at: DateTimeUtc,
    }

    no_relations!();
}

pub mod account_recovery {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "account_recoveries")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub account_id: Uuid,
        pub second_proof: String,
        pub secret_hash: String,
        pub started_at: DateTimeUtc,
        pub ready_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub cancelled_at: Option<DateTimeUtc>,
        pub cancelled_by_session: Option<Uuid>,
        pub completed_at: Option<DateTimeUtc>,
    }

    no_relations!();
}

pub mod national_id_displacement {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "national_id_displacements")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub citizen_id: Uuid,
        pub national_id: String,
        pub displaced_by: Uuid,
        pub at: DateTimeUtc,
    }

    no_relations!();
}

pub mod server_process {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "server_processes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub shared_cache: bool,
        pub started_at: DateTimeUtc,
        pub seen_at: DateTimeUtc,
    }

    no_relations!();
}
