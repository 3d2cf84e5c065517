//! Schema migrations for `interviewer`. One file per change; a merged migration is never edited.
//! The app runs `Migrator::up` at start-up (`interviewer serve`) or on demand (`interviewer migrate`).

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_core;
mod m20261124_000002_turn_recordings;
mod m20261124_000003_turn_unsaid;
mod m20261125_000004_scoring_inputs;
mod m20261125_000005_recruiting;
mod m20261125_000006_score_dimension;
mod m20261125_000007_audit_chain;
mod m20261206_000008_ai_pause;
mod m20261206_000009_webhooks;
mod m20261206_000010_notices;
mod m20261207_000011_alternative_and_decisions;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_core::Migration),
            Box::new(m20261124_000002_turn_recordings::Migration),
            Box::new(m20261124_000003_turn_unsaid::Migration),
            Box::new(m20261125_000004_scoring_inputs::Migration),
            Box::new(m20261125_000005_recruiting::Migration),
            Box::new(m20261125_000006_score_dimension::Migration),
            Box::new(m20261125_000007_audit_chain::Migration),
            Box::new(m20261206_000008_ai_pause::Migration),
            Box::new(m20261206_000009_webhooks::Migration),
            Box::new(m20261206_000010_notices::Migration),
            Box::new(m20261207_000011_alternative_and_decisions::Migration),
        ]
    }
}
