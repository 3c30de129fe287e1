//! The tables vaccination owns.

pub mod vaccination_session {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "vaccination_sessions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub facility_id: Uuid,
        pub kind: String,
        pub place_name: Option<String>,
        pub commune_code: String,
        pub local_date: Date,
        pub start_minute: i32,
        pub end_minute: i32,
        /// Catalogue codes, comma-separated.
        pub vaccines: String,
        /// The one-day booking schedule whose slots are the session's places.
        pub schedule_id: Uuid,
        pub created_by: Uuid,
        pub created_at: DateTimeUtc,
        pub cancelled_at: Option<DateTimeUtc>,
        pub cancelled_by: Option<Uuid>,
    }

    impl Model {
        pub fn vaccine_codes(&self) -> impl Iterator<Item = &str> {
            self.vaccines.split(',').filter(|code| !code.is_empty())
        }

        pub fn offers(&self, vaccine: &str) -> bool {
            self.vaccine_codes().any(|code| code == vaccine)
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
