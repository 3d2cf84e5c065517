//! The first-cut data model: organizations, users and their sessions, question banks, jobs with
//! their plans and criteria, invitations, interviews with turns, code submissions, scores and
//! profiles, the separate demographics table, the audit log and retention policies.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables in creation order; dropped in reverse.
const TABLES: &[&str] = &[
    "organizations",
    "users",
    "auth_sessions",
    "bootstrap_tokens",
    "question_banks",
    "questions",
    "jobs",
    "job_banks",
    "job_questions",
    "criteria",
    "invitations",
    "interviews",
    "turns",
    "code_submissions",
    "scores",
    "profiles",
    "demographics",
    "audit_log",
    "retention_policies",
];

fn fk(
    from: &'static str,
    col: &'static str,
    to: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{col}"))
        .from(from, col)
        .to(to, "id")
        .on_delete(on_delete)
        .to_owned()
}

fn created(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(timestamp_with_time_zone("created_at"))
}

fn table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .if_not_exists()
        .col(big_pk_auto("id"))
        .to_owned()
}

fn unique(name: &str, table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(table).unique().if_not_exists();
    for c in cols {
        idx.col(*c);
    }
    idx.to_owned()
}

fn index(name: &str, table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(table).if_not_exists();
    for c in cols {
        idx.col(*c);
    }
    idx.to_owned()
}

use ForeignKeyAction::{Cascade, SetNull};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(created(table("organizations").col(string("name"))).to_owned())
            .await?;

        m.create_table(
            created(
                table("users")
                    .col(big_integer_null("organization_id"))
                    .col(string_uniq("email"))
                    .col(string_null("password_hash"))
                    .col(string_len("role", 16))
                    .col(string("display_name"))
                    .col(boolean("disabled").default(false))
                    .col(timestamp_with_time_zone_null("last_login_at"))
                    .foreign_key(&mut fk(
                        "users",
                        "organization_id",
                        "organizations",
                        Cascade,
                    )),
            )
            .to_owned(),
        )
        .await?;

        m.create_table(
            created(
                table("auth_sessions")
                    .col(string_uniq("token_hash"))
                    .col(big_integer("user_id"))
                    .col(string("csrf_token"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .foreign_key(&mut fk("auth_sessions", "user_id", "users", Cascade)),
            )
            .to_owned(),
        )
        .await?;

        m.create_table(
            created(
                table("bootstrap_tokens")
                    .col(string_uniq("token_hash"))
                    .col(string_len("purpose", 32))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at")),
            )
            .to_owned(),
        )
        .await?;

        m.create_table(
            created(
                table("question_banks")
                    .col(string_uniq("slug"))
                    .col(string("title"))
                    .col(text_null("description"))
                    .col(integer("version"))
                    .col(string("content_hash"))
                    .col(string("source_file"))
                    .col(timestamp_with_time_zone("updated_at")),
            )
            .to_owned(),
        )
        .await?;

        m.create_table(
            created(
                table("questions")
                    .col(big_integer("bank_id"))
                    .col(string("slug"))
                    .col(string_len("kind", 16))
                    .col(string("competency"))
                    .col(text("prompt"))
                    .col(json_binary("rubric"))
                    .col(json_binary("follow_ups"))
                    .col(integer("time_limit_secs"))
                    .col(string_len("difficulty", 16))
                    .col(json_binary("tags"))
                    .col(string_len_null("language", 16))
                    .col(text_null("starter_code"))
                    .col(boolean("retired").default(false))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("questions", "bank_id", "question_banks", Cascade)),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "ux_questions_bank_slug",
            "questions",
            &["bank_id", "slug"],
        ))
        .await?;

        m.create_table(
            created(
                table("jobs")
                    .col(big_integer("organization_id"))
                    .col(string("title"))
                    .col(text("description"))
                    .col(string_len("region", 16))
                    .col(integer("default_follow_ups"))
                    .col(big_integer_null("created_by"))
                    .col(boolean("archived").default(false))
                    .foreign_key(&mut fk("jobs", "organization_id", "organizations", Cascade))
                    .foreign_key(&mut fk("jobs", "created_by", "users", SetNull)),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("ix_jobs_org", "jobs", &["organization_id"]))
            .await?;

        m.create_table(
            table("job_banks")
                .col(big_integer("job_id"))
                .col(big_integer("bank_id"))
                .foreign_key(&mut fk("job_banks", "job_id", "jobs", Cascade))
                .foreign_key(&mut fk("job_banks", "bank_id", "question_banks", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("ux_job_banks", "job_banks", &["job_id", "bank_id"]))
            .await?;

        m.create_table(
            table("job_questions")
                .col(big_integer("job_id"))
                .col(big_integer("question_id"))
                .col(integer("position"))
                .col(integer("max_follow_ups"))
                .foreign_key(&mut fk("job_questions", "job_id", "jobs", Cascade))
                .foreign_key(&mut fk(
                    "job_questions",
                    "question_id",
                    "questions",
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "ux_job_questions",
            "job_questions",
            &["job_id", "question_id"],
        ))
        .await?;

        m.create_table(
            table("criteria")
                .col(big_integer("job_id"))
                .col(string("competency"))
                .col(double("weight"))
                .col(text_null("description"))
                .foreign_key(&mut fk("criteria", "job_id", "jobs", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "ux_criteria_job_competency",
            "criteria",
            &["job_id", "competency"],
        ))
        .await?;

        m.create_table(
            created(
                table("invitations")
                    .col(big_integer("job_id"))
                    .col(string_uniq("token_hash"))
                    .col(string("candidate_email"))
                    .col(string("candidate_name"))
                    .col(big_integer_null("created_by"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(big_integer_null("interview_id"))
                    .col(timestamp_with_time_zone_null("spent_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(&mut fk("invitations", "job_id", "jobs", Cascade))
                    .foreign_key(&mut fk("invitations", "created_by", "users", SetNull)),
            )
            .to_owned(),
        )
        .await?;

        m.create_table(
            table("interviews")
                .col(big_integer_null("organization_id"))
                .col(big_integer_null("job_id"))
                .col(big_integer("candidate_user_id"))
                .col(big_integer_null("invitation_id"))
                .col(string_len("mode", 16))
                .col(string_len("status", 16))
                .col(json_binary("engine_state"))
                .col(string_len_null("disclosure_version", 32))
                .col(timestamp_with_time_zone_null("consent_given_at"))
                .col(string_len_null("consent_version", 32))
                .col(timestamp_with_time_zone("started_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("completed_at"))
                .foreign_key(&mut fk(
                    "interviews",
                    "organization_id",
                    "organizations",
                    Cascade,
                ))
                .foreign_key(&mut fk("interviews", "job_id", "jobs", SetNull))
                .foreign_key(&mut fk("interviews", "candidate_user_id", "users", Cascade))
                .foreign_key(&mut fk(
                    "interviews",
                    "invitation_id",
                    "invitations",
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_interviews_org",
            "interviews",
            &["organization_id"],
        ))
        .await?;
        m.create_index(index(
            "ix_interviews_candidate",
            "interviews",
            &["candidate_user_id"],
        ))
        .await?;

        m.create_table(
            created(
                table("turns")
                    .col(big_integer("interview_id"))
                    .col(integer("seq"))
                    .col(string_len("speaker", 16))
                    .col(string_len("kind", 24))
                    .col(text("text"))
                    .col(big_integer_null("question_id"))
                    .col(string_len("source", 16))
                    .col(json_binary_null("word_timings"))
                    .col(big_integer_null("audio_start_ms"))
                    .col(big_integer_null("audio_end_ms"))
                    .foreign_key(&mut fk("turns", "interview_id", "interviews", Cascade))
                    .foreign_key(&mut fk("turns", "question_id", "questions", SetNull)),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "ux_turns_interview_seq",
            "turns",
            &["interview_id", "seq"],
        ))
        .await?;

        m.create_table(
            created(
                table("code_submissions")
                    .col(big_integer("interview_id"))
                    .col(big_integer_null("question_id"))
                    .col(big_integer_null("turn_id"))
                    .col(string_len("language", 16))
                    .col(text("code"))
                    .col(json_binary("analysis"))
                    .foreign_key(&mut fk(
                        "code_submissions",
                        "interview_id",
                        "interviews",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "code_submissions",
                        "question_id",
                        "questions",
                        SetNull,
                    ))
                    .foreign_key(&mut fk("code_submissions", "turn_id", "turns", SetNull)),
            )
            .to_owned(),
        )
        .await?;

        m.create_table(
            created(
                table("scores")
                    .col(big_integer("interview_id"))
                    .col(big_integer_null("turn_id"))
                    .col(string_len("dimension", 16))
                    .col(string("competency"))
                    .col(double_null("value"))
                    .col(text("explanation"))
                    .col(json_binary("evidence"))
                    .col(string_len("scorer", 32))
                    .col(big_integer_null("overridden_by"))
                    .col(double_null("override_value"))
                    .col(text_null("override_reason"))
                    .foreign_key(&mut fk("scores", "interview_id", "interviews", Cascade))
                    .foreign_key(&mut fk("scores", "turn_id", "turns", SetNull))
                    .foreign_key(&mut fk("scores", "overridden_by", "users", SetNull)),
            )
            .to_owned(),
        )
        .await?;

        m.create_table(
            created(
                table("profiles")
                    .col(big_integer_uniq("interview_id"))
                    .col(json_binary("summary"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("profiles", "interview_id", "interviews", Cascade)),
            )
            .to_owned(),
        )
        .await?;

        // Voluntary self-identification for bias audits only: kept apart from everything
        // scoring reads, keyed to the candidate rather than to any score.
        m.create_table(
            created(
                table("demographics")
                    .col(big_integer("candidate_user_id"))
                    .col(big_integer_null("organization_id"))
                    .col(string_len_null("sex", 32))
                    .col(string_len_null("race_ethnicity", 64))
                    .foreign_key(&mut fk(
                        "demographics",
                        "candidate_user_id",
                        "users",
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "demographics",
                        "organization_id",
                        "organizations",
                        Cascade,
                    )),
            )
            .to_owned(),
        )
        .await?;

        m.create_table(
            created(
                table("audit_log")
                    .col(big_integer_null("actor_user_id"))
                    .col(string_len("actor_role", 16))
                    .col(string("action"))
                    .col(string_len("target_type", 32))
                    .col(big_integer_null("target_id"))
                    .col(big_integer_null("organization_id"))
                    .col(json_binary("detail")),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(index("ix_audit_log_created", "audit_log", &["created_at"]))
            .await?;

        m.create_table(
            created(
                table("retention_policies")
                    .col(big_integer_null("organization_id"))
                    .col(integer("transcripts_days"))
                    .col(integer("recordings_days"))
                    .col(integer("demographics_days"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "retention_policies",
                        "organization_id",
                        "organizations",
                        Cascade,
                    )),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(unique(
            "ux_retention_org",
            "retention_policies",
            &["organization_id"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(*t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
