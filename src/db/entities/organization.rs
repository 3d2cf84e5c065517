use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// `eu`, `us` or `other`: in the EU, affect is not computed for hiring at all.
    pub jurisdiction: String,
    /// Whether affect may enter the hiring score (never honoured in the EU).
    pub affect_in_hiring: bool,
    /// The organization's fluency reference ranges; none = the built-in ones.
    pub fluency_reference: Option<Json>,
    /// The stop switch: while set, no new AI-scored interview starts and nothing is scored.
    pub ai_paused_at: Option<DateTimeUtc>,
    pub ai_paused_reason: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
