use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "turns")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub interview_id: i64,
    pub seq: i32,
    pub speaker: String,
    pub kind: String,
    pub text: String,
    pub question_id: Option<i64>,
    pub source: String,
    pub word_timings: Option<Json>,
    pub audio_start_ms: Option<i64>,
    pub audio_end_ms: Option<i64>,
    /// Words the interviewer did not get to say (cut off by the candidate).
    pub unsaid: Option<String>,
    /// What a follow-up was about: a code finding's key (`nested_loop:f:xs`), a hint.
    pub topic: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
