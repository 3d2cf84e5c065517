//! `audit-log verify` and `audit`: the audit log's chain and the bias audit.

use anyhow::Context;

use super::{AuditFormat, AuditMode};
use crate::config::Config;
use crate::db;

pub(super) async fn verify_audit_log(config: &Config, anchor: Option<&str>) -> anyhow::Result<()> {
    use crate::db::audit::{Verdict, head, holds, verify};
    let db = db::connect(&config.database.url).await?;
    db::migrate(&db).await?;
    let (entries, chained) = match verify(&db).await? {
        Verdict::Intact { entries, chained } => (entries, chained),
        Verdict::Broken { id, reason } => {
            anyhow::bail!("audit log broken at entry {id}: {reason}")
        }
    };
    if let Some(anchor) = anchor
        && !holds(&db, anchor.trim()).await?
    {
        anyhow::bail!(
            "audit log cut short: the anchored entry {} is no longer in it (entries were removed from its end, or the anchor comes from another log)",
            anchor.trim()
        );
    }
    out!("audit log intact: {entries} entries, {chained} of them chained");
    if let Some(h) = head(&db).await? {
        out!(
            "head: entry {} {} (keep it outside the database; `audit-log verify --anchor HASH` later shows nothing was cut from the end)",
            h.id,
            h.hash.unwrap_or_default()
        );
    }
    Ok(())
}

pub(super) async fn audit(
    config: &Config,
    input: Option<&std::path::Path>,
    organization: Option<i64>,
    mode: AuditMode,
    format: AuditFormat,
    exclusions: &[String],
) -> anyhow::Result<()> {
    use crate::bias::{self, Exclusion, Mode};
    use std::io::Write as _;
    let mode = match mode {
        AuditMode::Scoring => Mode::Scoring,
        AuditMode::Selection => Mode::Selection,
    };
    let exclusions = exclusions
        .iter()
        .map(|e| {
            let (category, justification) = e.split_once('=').ok_or_else(|| {
                anyhow::anyhow!("--exclude `{e}`: write it as CATEGORY=JUSTIFICATION")
            })?;
            Ok(Exclusion {
                category: category.trim().to_string(),
                justification: justification.trim().to_string(),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (records, source) = match (input, organization) {
        (Some(input), _) => {
            let text = std::fs::read_to_string(input)
                .with_context(|| format!("reading {}", input.display()))?;
            let records = bias::input::parse(&text, mode)
                .map_err(|e| anyhow::anyhow!("{}: {e}", input.display()))?;
            (records, input.display().to_string())
        }
        (None, Some(org)) => {
            let db = db::connect(&config.database.url).await?;
            db::migrate(&db).await?;
            let org_row = db::organizations::get(&db, org)
                .await
                .map_err(|_| anyhow::anyhow!("there is no organization {org}"))?;
            (
                bias::own::records(&db, org, mode).await?,
                format!("{}'s {}", org_row.name, bias::own::counted(mode)),
            )
        }
        (None, None) => anyhow::bail!("give --input FILE.csv or --organization ID"),
    };
    let report = bias::audit(&records, mode, &exclusions)?;
    match format {
        AuditFormat::Json => out!("{}", serde_json::to_string_pretty(&report)?),
        AuditFormat::Csv => std::io::stdout()
            .lock()
            .write_all(bias::report::csv(&report).as_bytes())?,
        AuditFormat::Html => std::io::stdout().lock().write_all(
            bias::report::html(&report, &format!("Bias audit of {source}")).as_bytes(),
        )?,
    }
    Ok(())
}
