//! Tables of the stock: lots, balances and the ledger.

pub mod lot {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "vaccine_lots")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub vaccine: String,
        pub product: String,
        pub manufacturer: String,
        pub lot_number: String,
        pub expires_on: Date,
        pub doses_per_vial: i16,
        pub vvm_stage: i16,
        pub quarantined_at: Option<DateTimeUtc>,
        pub quarantine_reason: Option<String>,
        pub quarantined_by: Option<Uuid>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod balance {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "stock_balances")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub facility_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub lot_id: Uuid,
        pub doses: i64,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod movement {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "stock_movements")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub facility_id: Uuid,
        pub lot_id: Uuid,
        pub kind: String,
        pub doses: i64,
        pub counterpart_facility_id: Option<Uuid>,
        pub immunization_id: Option<Uuid>,
        pub reason: Option<String>,
        pub recorded_by: Uuid,
        pub recorded_at: DateTimeUtc,
        pub occurred_on: Date,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
