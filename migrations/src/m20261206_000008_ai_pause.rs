//! The organization's stop switch: while `ai_paused_at` is set, no new AI-scored interview
//! starts and nothing of the organization is scored; `ai_paused_reason` says why.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("organizations")
                .add_column(timestamp_with_time_zone_null("ai_paused_at"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("organizations")
                .add_column(text_null("ai_paused_reason"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["ai_paused_reason", "ai_paused_at"] {
            m.alter_table(
                Table::alter()
                    .table("organizations")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
