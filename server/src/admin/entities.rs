//! Tables of the support API.

pub mod approval {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "approvals")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub action: String,
        pub request: String,
        pub account_id: Option<Uuid>,
        pub requested_by: Uuid,
        pub requested_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
        pub status: String,
        pub decided_by: Option<Uuid>,
        pub decided_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
