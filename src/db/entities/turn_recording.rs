use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "turn_recordings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub turn_id: i64,
    pub interview_id: i64,
    pub content_type: String,
    pub sample_rate: i32,
    pub duration_ms: i64,
    pub data: Vec<u8>,
    /// The verbatim pass's fluency, prosody and quality figures (`scoring::SpeechMeasures`).
    pub measures: Option<Json>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
