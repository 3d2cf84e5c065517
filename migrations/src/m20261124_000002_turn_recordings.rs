//! Recordings of spoken answers, kept with the turn they became so a reviewer can hear what
//! the transcript says. A separate table keeps the large bytes out of transcript reads; rows
//! go with their turn (and interview) on deletion.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("turn_recordings")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer_uniq("turn_id"))
                .col(big_integer("interview_id"))
                .col(string_len("content_type", 32))
                .col(integer("sample_rate"))
                .col(big_integer("duration_ms"))
                .col(blob("data"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_turn_recordings_turn_id")
                        .from("turn_recordings", "turn_id")
                        .to("turns", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_turn_recordings_interview_id")
                        .from("turn_recordings", "interview_id")
                        .to("interviews", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_turn_recordings_interview")
                .table("turn_recordings")
                .col("interview_id")
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table("turn_recordings")
                .if_exists()
                .to_owned(),
        )
        .await
    }
}
