//! Signed webhooks: `webhooks` (an organization's endpoints, the events each wants and the
//! key its payloads are signed with) and `webhook_deliveries` (one row per event per
//! endpoint: pending, retried with backoff, then delivered or failed, for admins to see).
//! Payloads carry ids only, never a candidate's words or details.

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
                .table("webhooks")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(string_len("url", 2048))
                .col(json("events"))
                .col(string_len("secret", 128))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut cascade(
                    "fk_webhooks_organization_id",
                    "webhooks",
                    "organization_id",
                    "organizations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("webhook_deliveries")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(big_integer("webhook_id"))
                .col(string_len("event", 64))
                .col(json("payload"))
                .col(string_len("status", 16))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(integer_null("last_status"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("delivered_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut cascade(
                    "fk_webhook_deliveries_webhook_id",
                    "webhook_deliveries",
                    "webhook_id",
                    "webhooks",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_webhook_deliveries_due")
                .table("webhook_deliveries")
                .col("status")
                .col("next_attempt_at")
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["webhook_deliveries", "webhooks"] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
