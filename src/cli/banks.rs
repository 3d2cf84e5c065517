//! `bank validate|import|export`: question banks as TOML files.

use anyhow::{Context, bail};

use super::BankCommand;
use crate::config::Config;
use crate::content::question_bank;
use crate::db;

pub(super) async fn bank(config: Config, command: BankCommand) -> anyhow::Result<()> {
    let default = vec![config.content.question_bank_dir.clone()];
    match command {
        BankCommand::Validate { paths } => {
            let paths = if paths.is_empty() { default } else { paths };
            match question_bank::load_all(&paths) {
                Ok(banks) => {
                    for b in &banks {
                        out!(
                            "ok  {} ({}, {} questions)",
                            b.source_file,
                            b.id,
                            b.questions.len()
                        );
                    }
                    Ok(())
                }
                Err(e) => {
                    eprintln!("{e}");
                    bail!("question banks are invalid")
                }
            }
        }
        BankCommand::Import { paths } => {
            let paths = if paths.is_empty() { default } else { paths };
            let banks = question_bank::load_all(&paths).map_err(|e| anyhow::anyhow!("{e}"))?;
            let db = db::connect(&config.database.url).await?;
            db::migrate(&db).await?;
            for b in &banks {
                let r = db::banks::import(&db, b).await?;
                out!(
                    "{}: {}added {}, updated {}, retired {}, unchanged {}",
                    r.bank,
                    if r.created { "new bank, " } else { "" },
                    r.added,
                    r.updated,
                    r.retired,
                    r.unchanged
                );
            }
            Ok(())
        }
        BankCommand::Export { bank_id, output } => {
            let db = db::connect(&config.database.url).await?;
            db::migrate(&db).await?;
            let bank = db::banks::export(&db, &bank_id)
                .await
                .map_err(|e| match e {
                    db::DbError::NotFound => anyhow::anyhow!(
                        "no bank `{bank_id}` in the database; run `interviewer bank import` first"
                    ),
                    other => other.into(),
                })?;
            let text = question_bank::to_toml(&bank)?;
            match output {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(())
        }
    }
}
