//! Versioned notices: an organization's own text for candidates (what is assessed, the data
//! used, how long it is kept, how to ask for an alternative process or an accommodation).
//! A notice is never edited; a change publishes the next version. `interviews.notice_version`
//! is the version shown to that candidate before they chose, and their consent names it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("notices")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(integer("version"))
                .col(text("text"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_notices_organization_id")
                        .from("notices", "organization_id")
                        .to("organizations", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_notices_org_version")
                .table("notices")
                .col("organization_id")
                .col("version")
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("interviews")
                .add_column(integer_null("notice_version"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("interviews")
                .drop_column("notice_version")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("notices").if_exists().to_owned())
            .await
    }
}
