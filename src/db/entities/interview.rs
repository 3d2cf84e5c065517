use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "interviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: Option<i64>,
    pub job_id: Option<i64>,
    pub candidate_user_id: i64,
    pub invitation_id: Option<i64>,
    pub mode: String,
    pub status: String,
    pub engine_state: Json,
    pub disclosure_version: Option<String>,
    pub consent_given_at: Option<DateTimeUtc>,
    pub consent_version: Option<String>,
    pub started_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
    /// The organization's notice version shown before consent (`notices`).
    pub notice_version: Option<i32>,
    /// When the candidate chose the alternative process (a person reviews, nothing is
    /// scored automatically); consent to AI scoring is then never given.
    pub alternative_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
