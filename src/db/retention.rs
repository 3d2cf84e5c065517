//! Retention: how long an organization keeps its candidates' transcripts, recordings and
//! self-identification, and how long practice interviews (no organization's) are kept; and
//! `expire`, which removes what has outlived its period. Run by `privacy::retention` in the
//! background and by `interviewer retention run`.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QuerySelect, QueryTrait, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::DbResult;
use super::audit::Actor;
use super::entities::{
    auth_session, demographic, interview, invitation, retention_policy, turn_recording, user,
};
use super::erasure::{Erased, remove_interviews, remove_invitations};
use super::interviews::{MODE_PRACTICE, status};
use crate::auth::Role;

/// Days each kind of data is kept after an interview ends (recordings: after they were
/// made). 0 removes it at the next run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub transcripts_days: i32,
    pub recordings_days: i32,
    pub demographics_days: i32,
}

/// The longest period a policy may set: ten years.
pub const MAX_DAYS: i32 = 3650;

impl Policy {
    pub fn validate(&self) -> Result<(), String> {
        for (name, days) in [
            ("transcripts_days", self.transcripts_days),
            ("recordings_days", self.recordings_days),
            ("demographics_days", self.demographics_days),
        ] {
            if !(0..=MAX_DAYS).contains(&days) {
                return Err(format!(
                    "{name} must be between 0 and {MAX_DAYS}, not {days}"
                ));
            }
        }
        if self.recordings_days > self.transcripts_days {
            return Err(
                "recordings_days cannot exceed transcripts_days: a recording goes with its transcript"
                    .into(),
            );
        }
        Ok(())
    }
}

impl From<&retention_policy::Model> for Policy {
    fn from(m: &retention_policy::Model) -> Self {
        Self {
            transcripts_days: m.transcripts_days,
            recordings_days: m.recordings_days,
            demographics_days: m.demographics_days,
        }
    }
}

/// Whose data a policy governs: an organization's hiring interviews, or every practice
/// interview (stored as the policy without an organization).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Organization(i64),
    Practice,
}

impl Scope {
    fn policy_filter(self) -> Condition {
        match self {
            Scope::Organization(org) => {
                Condition::all().add(retention_policy::Column::OrganizationId.eq(org))
            }
            Scope::Practice => {
                Condition::all().add(retention_policy::Column::OrganizationId.is_null())
            }
        }
    }

    fn interview_filter(self) -> Condition {
        match self {
            Scope::Organization(org) => {
                Condition::all().add(interview::Column::OrganizationId.eq(org))
            }
            Scope::Practice => Condition::all()
                .add(interview::Column::OrganizationId.is_null())
                .add(interview::Column::Mode.eq(MODE_PRACTICE)),
        }
    }
}

pub async fn get(db: &impl ConnectionTrait, scope: Scope) -> DbResult<Option<Policy>> {
    Ok(retention_policy::Entity::find()
        .filter(scope.policy_filter())
        .one(db)
        .await?
        .as_ref()
        .map(Policy::from))
}

/// Sets (or replaces) a policy; the caller validated it.
pub async fn set(db: &impl ConnectionTrait, scope: Scope, p: Policy) -> DbResult<()> {
    let existing = retention_policy::Entity::find()
        .filter(scope.policy_filter())
        .one(db)
        .await?;
    let now = super::now();
    let mut row: retention_policy::ActiveModel = match existing {
        Some(r) => r.into(),
        None => retention_policy::ActiveModel {
            organization_id: Set(match scope {
                Scope::Organization(org) => Some(org),
                Scope::Practice => None,
            }),
            created_at: Set(now),
            ..Default::default()
        },
    };
    row.transcripts_days = Set(p.transcripts_days);
    row.recordings_days = Set(p.recordings_days);
    row.demographics_days = Set(p.demographics_days);
    row.updated_at = Set(now);
    row.save(db).await?;
    Ok(())
}

/// What one policy's expiry removed: an organization's (practice interviews: none).
#[derive(Debug, Serialize)]
pub struct Expired {
    pub organization_id: Option<i64>,
    #[serde(flatten)]
    pub removed: Erased,
}

/// Applies every policy as of `now`; one transaction and one audit entry per policy that had
/// something to remove. Organizations without a policy keep everything, and so do practice
/// interviews while no practice policy is set.
pub async fn expire(db: &DatabaseConnection, now: DateTime<Utc>) -> DbResult<Vec<Expired>> {
    let policies = retention_policy::Entity::find().all(db).await?;
    let mut out = Vec::new();
    for p in &policies {
        let org = p.organization_id;
        let scope = org.map_or(Scope::Practice, Scope::Organization);
        let txn = db.begin().await?;
        let removed = expire_one(&txn, scope, Policy::from(p), now).await?;
        if removed != Erased::default() {
            let system = Actor {
                user_id: None,
                role: "system",
                organization_id: org,
            };
            let detail = json!({ "policy": Policy::from(p), "removed": &removed });
            let target = if org.is_some() {
                "organization"
            } else {
                "practice"
            };
            super::audit::record(&txn, &system, "retention_expired", target, org, detail).await?;
            out.push(Expired {
                organization_id: org,
                removed,
            });
        }
        txn.commit().await?;
    }
    let txn = db.begin().await?;
    let accounts = remove_orphan_accounts(&txn).await?;
    if accounts > 0 {
        let system = Actor {
            user_id: None,
            role: "system",
            organization_id: None,
        };
        let detail = json!({ "accounts": accounts });
        super::audit::record(
            &txn,
            &system,
            "retention_accounts_removed",
            "user",
            None,
            detail,
        )
        .await?;
    }
    txn.commit().await?;
    if !out.is_empty() || accounts > 0 {
        super::erasure::flush_freed_pages(db).await;
    }
    Ok(out)
}

/// Candidate accounts that only ever existed for an invitation (no password) and have
/// nothing left: no interview, no invitation to their e-mail, no self-identification still
/// kept for an audit. Their name and e-mail go with the last of those.
async fn remove_orphan_accounts(txn: &impl ConnectionTrait) -> DbResult<u64> {
    let orphans = || {
        Condition::all()
            .add(user::Column::Role.eq(Role::Candidate.as_str()))
            .add(user::Column::PasswordHash.is_null())
            .add(
                user::Column::Id.not_in_subquery(
                    interview::Entity::find()
                        .select_only()
                        .column(interview::Column::CandidateUserId)
                        .into_query(),
                ),
            )
            .add(
                user::Column::Id.not_in_subquery(
                    demographic::Entity::find()
                        .select_only()
                        .column(demographic::Column::CandidateUserId)
                        .into_query(),
                ),
            )
            .add(
                user::Column::Email.not_in_subquery(
                    invitation::Entity::find()
                        .select_only()
                        .column(invitation::Column::CandidateEmail)
                        .into_query(),
                ),
            )
    };
    let ids: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(orphans())
        .into_tuple()
        .all(txn)
        .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    auth_session::Entity::delete_many()
        .filter(auth_session::Column::UserId.is_in(ids.clone()))
        .exec(txn)
        .await?;
    Ok(user::Entity::delete_many()
        .filter(user::Column::Id.is_in(ids))
        .filter(orphans())
        .exec(txn)
        .await?
        .rows_affected)
}

async fn expire_one(
    txn: &impl ConnectionTrait,
    scope: Scope,
    p: Policy,
    now: DateTime<Utc>,
) -> DbResult<Erased> {
    let before = |days: i32| now - Duration::days(i64::from(days));
    let mut out = Erased::default();

    // Interviews that ended before the transcript period, with their invitations.
    let ended_before = before(p.transcripts_days);
    let finished = [status::COMPLETED, status::DECLINED, status::ENDED_EARLY];
    let old: Vec<(i64, Option<i64>)> = interview::Entity::find()
        .select_only()
        .column(interview::Column::Id)
        .column(interview::Column::InvitationId)
        .filter(scope.interview_filter())
        .filter(interview::Column::Status.is_in(finished))
        .filter(
            Condition::any()
                .add(interview::Column::CompletedAt.lte(ended_before))
                .add(
                    Condition::all()
                        .add(interview::Column::CompletedAt.is_null())
                        .add(interview::Column::UpdatedAt.lte(ended_before)),
                ),
        )
        .into_tuple()
        .all(txn)
        .await?;
    let invitations: Vec<i64> = old.iter().filter_map(|(_, inv)| *inv).collect();
    remove_interviews(txn, old.iter().map(|(id, _)| *id).collect(), &mut out).await?;
    remove_invitations(txn, invitations, &mut out).await?;

    // Recordings older than theirs, of interviews that remain.
    let scoped_interviews = interview::Entity::find()
        .select_only()
        .column(interview::Column::Id)
        .filter(scope.interview_filter())
        .into_query();
    out.recordings += turn_recording::Entity::delete_many()
        .filter(turn_recording::Column::InterviewId.in_subquery(scoped_interviews))
        .filter(turn_recording::Column::CreatedAt.lte(before(p.recordings_days)))
        .exec(txn)
        .await?
        .rows_affected;

    // Self-identification is only ever given to an organization, for its audits.
    if let Scope::Organization(org) = scope {
        out.demographics += demographic::Entity::delete_many()
            .filter(demographic::Column::OrganizationId.eq(org))
            .filter(demographic::Column::CreatedAt.lte(before(p.demographics_days)))
            .exec(txn)
            .await?
            .rows_affected;
    }

    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_is_checked_in_words() {
        let ok = Policy {
            transcripts_days: 365,
            recordings_days: 30,
            demographics_days: 365,
        };
        assert!(ok.validate().is_ok());
        let e = Policy {
            transcripts_days: -1,
            ..ok
        }
        .validate()
        .unwrap_err();
        assert!(
            e.contains("transcripts_days must be between 0 and 3650"),
            "{e}"
        );
        let e = Policy {
            recordings_days: 400,
            ..ok
        }
        .validate()
        .unwrap_err();
        assert!(e.contains("cannot exceed transcripts_days"), "{e}");
    }
}
