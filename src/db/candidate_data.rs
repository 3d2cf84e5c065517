//! Everything stored about one candidate, read for their data export: the same rows an
//! erasure removes (`erasure`), so what a candidate can take away and what deletion leaves
//! behind are defined together.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entities::{
    code_submission, decision, demographic, integrity_event, interview, invitation, profile,
    resume, score, turn, turn_recording, user,
};
use super::{DbError, DbResult};
use crate::auth::Role;

pub struct InterviewData {
    pub interview: interview::Model,
    pub turns: Vec<turn::Model>,
    pub recordings: Vec<turn_recording::Model>,
    pub code: Vec<code_submission::Model>,
    pub scores: Vec<score::Model>,
    pub profile: Option<profile::Model>,
    pub decisions: Vec<decision::Model>,
    pub integrity_events: Vec<integrity_event::Model>,
}

pub struct CandidateData {
    pub account: user::Model,
    pub interviews: Vec<InterviewData>,
    pub invitations: Vec<invitation::Model>,
    pub resumes: Vec<resume::Model>,
    pub self_identification: Vec<demographic::Model>,
}

/// All of candidate `user_id`'s data; `NotFound` when no candidate has that id.
pub async fn gather(db: &impl ConnectionTrait, user_id: i64) -> DbResult<CandidateData> {
    let account = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .filter(|u| u.role == Role::Candidate.as_str())
        .ok_or(DbError::NotFound)?;
    let mut interviews = Vec::new();
    for i in super::interviews::list_for_candidate(db, user_id).await? {
        let id = i.id;
        interviews.push(InterviewData {
            turns: super::interviews::turns(db, id).await?,
            recordings: turn_recording::Entity::find()
                .filter(turn_recording::Column::InterviewId.eq(id))
                .order_by_asc(turn_recording::Column::TurnId)
                .all(db)
                .await?,
            code: super::interviews::code_submissions(db, id).await?,
            scores: super::scores::for_interview(db, id).await?,
            profile: super::profiles::get(db, id).await?,
            decisions: super::decisions::history(db, id).await?,
            integrity_events: super::integrity::for_interview(db, id).await?,
            interview: i,
        });
    }
    let invitations = invitation::Entity::find()
        .filter(invitation::Column::CandidateEmail.eq(&account.email))
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await?;
    let resumes = resume::Entity::find()
        .filter(resume::Column::InvitationId.is_in(invitations.iter().map(|i| i.id)))
        .order_by_asc(resume::Column::Id)
        .all(db)
        .await?;
    let self_identification = demographic::Entity::find()
        .filter(demographic::Column::CandidateUserId.eq(user_id))
        .all(db)
        .await?;
    Ok(CandidateData {
        account,
        interviews,
        invitations,
        resumes,
        self_identification,
    })
}
