//! The audit log becomes tamper-evident: each entry carries the hash of the one before it and
//! its own hash over its fields. Entries written before this migration have neither and
//! stand before the chain.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["prev_hash", "hash"] {
            m.alter_table(
                Table::alter()
                    .table("audit_log")
                    .add_column(string_len_null(column, 64))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in ["hash", "prev_hash"] {
            m.alter_table(
                Table::alter()
                    .table("audit_log")
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
