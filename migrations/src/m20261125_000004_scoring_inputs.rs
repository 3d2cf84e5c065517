//! What scoring needs beyond the transcript:
//! - `turn_recordings.measures`: the fluency, prosody and quality figures of the verbatim
//!   pass over a spoken answer (the fast live transcript has none until it is revised);
//! - `turns.topic`: what a follow-up was about (a code finding's key, a hint), so an answer
//!   is judged against the analysis, never against the interviewer's wording;
//! - per organization: its jurisdiction (`eu` turns affect off for hiring), whether affect may
//!   enter its hiring score (never in the EU), and its fluency reference ranges.
//!
//! SQLite alters one column per statement, hence one `alter_table` each.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn add(table: &'static str, column: &mut ColumnDef) -> TableAlterStatement {
    Table::alter().table(table).add_column(column).to_owned()
}

fn drop(table: &'static str, column: &'static str) -> TableAlterStatement {
    Table::alter().table(table).drop_column(column).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(add("turn_recordings", &mut json_null("measures")))
            .await?;
        m.alter_table(add("turns", &mut string_null("topic")))
            .await?;
        m.alter_table(add(
            "organizations",
            string("jurisdiction").default("other"),
        ))
        .await?;
        m.alter_table(add(
            "organizations",
            boolean("affect_in_hiring").default(false),
        ))
        .await?;
        m.alter_table(add("organizations", &mut json_null("fluency_reference")))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(drop("organizations", "fluency_reference"))
            .await?;
        m.alter_table(drop("organizations", "affect_in_hiring"))
            .await?;
        m.alter_table(drop("organizations", "jurisdiction")).await?;
        m.alter_table(drop("turns", "topic")).await?;
        m.alter_table(drop("turn_recordings", "measures")).await
    }
}
