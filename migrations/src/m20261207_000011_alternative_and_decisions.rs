//! The alternative process and selection decisions. `interviews.alternative_at` is when a
//! candidate chose the interview a person reviews instead of the AI scoring it (their
//! consent columns stay empty: nothing of theirs is scored). `decisions` are a person's
//! advance-or-not calls on an interview, kept as a history (the latest stands), which the
//! selection-mode bias audit reads.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("interviews")
                .add_column(timestamp_with_time_zone_null("alternative_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("decisions")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("interview_id"))
                .col(text("outcome"))
                .col(text("reason"))
                .col(big_integer_null("decided_by"))
                .col(timestamp_with_time_zone("decided_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_decisions_interview_id")
                        .from("decisions", "interview_id")
                        .to("interviews", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_decisions_interview_id")
                .table("decisions")
                .col("interview_id")
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("decisions").if_exists().to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table("interviews")
                .drop_column("alternative_at")
                .to_owned(),
        )
        .await
    }
}
