use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "questions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub bank_id: i64,
    pub slug: String,
    pub kind: String,
    pub competency: String,
    pub prompt: String,
    pub rubric: Json,
    pub follow_ups: Json,
    pub time_limit_secs: i32,
    pub difficulty: String,
    pub tags: Json,
    pub language: Option<String>,
    pub starter_code: Option<String>,
    pub retired: bool,
    pub updated_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
