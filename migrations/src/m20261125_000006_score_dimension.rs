//! `scores.dimension` held 16 characters; `code_understanding` needs more. PostgreSQL
//! enforces the length and is widened; SQLite never enforced it and cannot alter a column's
//! type, so there it stays as it is.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn width(m: &SchemaManager<'_>, len: u32) -> Result<(), DbErr> {
    if m.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    m.alter_table(
        Table::alter()
            .table("scores")
            .modify_column(ColumnDef::new("dimension").string_len(len).not_null())
            .to_owned(),
    )
    .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        width(m, 32).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        width(m, 16).await
    }
}
