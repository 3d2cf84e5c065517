//! What the interviewer meant to say but did not, because the candidate spoke over it: the
//! turn's `text` keeps only the words that were heard, `unsaid` the rest (for reviewers).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("turns")
                .add_column(text_null("unsaid"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("turns")
                .drop_column("unsaid")
                .to_owned(),
        )
        .await
    }
}
