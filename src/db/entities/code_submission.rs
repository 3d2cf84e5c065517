use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "code_submissions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub interview_id: i64,
    pub question_id: Option<i64>,
    pub turn_id: Option<i64>,
    pub language: String,
    pub code: String,
    pub analysis: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
