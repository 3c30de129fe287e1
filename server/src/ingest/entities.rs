//! The intake's tables (migration 19).

pub mod facility_system {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "facility_systems")]
    pub struct Model {
        /// The system's account.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub facility_id: Uuid,
        pub name: String,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        pub disabled_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod system_key {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "system_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub system_id: Uuid,
        pub secret_hash: String,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        pub expires_at: Option<DateTimeUtc>,
        pub revoked_at: Option<DateTimeUtc>,
        pub last_used_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod intake_receipt {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "intake_receipts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub system_id: Uuid,
        pub facility_id: Uuid,
        pub envelope_hash: String,
        pub size: i64,
        pub outcome: String,
        pub visits: i32,
        pub signed: bool,
        /// JSON of a `SignatureCheck`.
        pub signature: Option<String>,
        pub problems: String,
        pub received_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod intake_visit {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "intake_visits")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub facility_id: Uuid,
        pub ma_lk: String,
        pub version: i32,
        pub content_hash: String,
        pub receipt_id: Uuid,
        pub files: String,
        pub national_id: Option<String>,
        pub insurance_number: Option<String>,
        pub citizen_id: Option<Uuid>,
        pub entry_id: Option<Uuid>,
        pub status: String,
        pub received_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod expected_child {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "expected_children")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub facility_id: Uuid,
        pub system_id: Uuid,
        pub receipt_id: Uuid,
        pub ma_lk: String,
        pub ordinal: i32,
        pub guardian_id: Uuid,
        pub born_on: Date,
        pub sex: Option<String>,
        pub intended_name: Option<String>,
        pub weight_grams: Option<i32>,
        /// JSON of the entry body the child's book receives.
        pub encounter: String,
        pub status: String,
        pub dependent_id: Option<Uuid>,
        pub created_at: DateTimeUtc,
        pub resolved_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
