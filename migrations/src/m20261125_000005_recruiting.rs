//! What the recruiter's side adds:
//! - `integrity_events`: neutral observations for reviewers (a large paste into the code
//!   editor, the tab losing focus, a long silence), never scored, gone with the interview;
//! - `resumes`: a candidate's résumé for one invitation, its extracted text and the skills
//!   and experience found in it, gone with the invitation;
//! - `question_banks.organization_id`: a bank written in the browser belongs to its
//!   organization (none: shipped with the server, for everyone);
//! - `invitations.emailed_at` / `reminded_at`: when the invitation and its reminder were sent.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn cascade(
    name: &str,
    from: &'static str,
    col: &'static str,
    to: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("integrity_events")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("interview_id"))
                .col(string_len("kind", 32))
                .col(json("detail"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut cascade(
                    "fk_integrity_events_interview_id",
                    "integrity_events",
                    "interview_id",
                    "interviews",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_integrity_events_interview")
                .table("integrity_events")
                .col("interview_id")
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("resumes")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer_uniq("invitation_id"))
                .col(string_len("filename", 255))
                .col(string_len("content_type", 100))
                .col(text("text"))
                .col(json("facts"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut cascade(
                    "fk_resumes_invitation_id",
                    "resumes",
                    "invitation_id",
                    "invitations",
                ))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("question_banks")
                .add_column(big_integer_null("organization_id"))
                .to_owned(),
        )
        .await?;
        for column in ["emailed_at", "reminded_at"] {
            m.alter_table(
                Table::alter()
                    .table("invitations")
                    .add_column(timestamp_with_time_zone_null(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["reminded_at", "emailed_at"] {
            m.alter_table(
                Table::alter()
                    .table("invitations")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table("question_banks")
                .drop_column("organization_id")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("resumes").if_exists().to_owned())
            .await?;
        m.drop_table(
            Table::drop()
                .table("integrity_events")
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
