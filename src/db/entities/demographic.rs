use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "demographics")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub candidate_user_id: i64,
    pub organization_id: Option<i64>,
    pub sex: Option<String>,
    pub race_ethnicity: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
