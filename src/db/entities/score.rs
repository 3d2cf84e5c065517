use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "scores")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub interview_id: i64,
    pub turn_id: Option<i64>,
    pub dimension: String,
    pub competency: String,
    pub value: Option<f64>,
    pub explanation: String,
    pub evidence: Json,
    pub scorer: String,
    pub overridden_by: Option<i64>,
    pub override_value: Option<f64>,
    pub override_reason: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
