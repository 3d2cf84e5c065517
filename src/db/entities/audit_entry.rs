use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub actor_user_id: Option<i64>,
    pub actor_role: String,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub detail: Json,
    /// The hash of the entry before (empty for the first of the chain); none before the
    /// chain began.
    pub prev_hash: Option<String>,
    /// SHA-256 over `prev_hash` and this entry's fields (`db::audit::entry_hash`).
    pub hash: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
