//! Question banks in the database: idempotent import from the TOML files, export back.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::Serialize;
use serde_json::json;

use super::entities::question::{self, Entity as Question};
use super::entities::question_bank::{self, Entity as QuestionBank};
use super::{DbError, DbResult};
use crate::content::question_bank::{Bank, Difficulty, Question as BankQuestion, QuestionKind};

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct ImportReport {
    pub bank: String,
    pub created: bool,
    pub added: usize,
    pub updated: usize,
    pub retired: usize,
    pub unchanged: usize,
}

pub async fn import(db: &sea_orm::DatabaseConnection, bank: &Bank) -> DbResult<ImportReport> {
    import_for(db, bank, None).await
}

/// Imports a bank owned by `organization` (written in the browser): a new bank is created as
/// theirs; an existing one must already be theirs, so no organization edits a bank that
/// ships with the server or belongs to another.
pub async fn import_owned(
    db: &sea_orm::DatabaseConnection,
    bank: &Bank,
    organization: i64,
) -> DbResult<ImportReport> {
    if let Some(row) = QuestionBank::find()
        .filter(question_bank::Column::Slug.eq(&bank.id))
        .one(db)
        .await?
        && row.organization_id != Some(organization)
    {
        return Err(DbError::Conflict(match row.organization_id {
            None => format!(
                "the bank `{}` ships with the server (question-bank/{}); give your copy a new bank.id",
                bank.id, row.source_file
            ),
            Some(_) => format!("the bank id `{}` is taken; choose another bank.id", bank.id),
        }));
    }
    import_for(db, bank, Some(organization)).await
}

async fn import_for(
    db: &sea_orm::DatabaseConnection,
    bank: &Bank,
    organization: Option<i64>,
) -> DbResult<ImportReport> {
    let txn = db.begin().await?;
    let now = super::now();
    let mut report = ImportReport {
        bank: bank.id.clone(),
        ..Default::default()
    };
    let existing = QuestionBank::find()
        .filter(question_bank::Column::Slug.eq(&bank.id))
        .one(&txn)
        .await?;
    let bank_row = match existing {
        Some(row)
            if row.content_hash == bank.content_hash
                && row.title == bank.title
                && row.version == bank.version =>
        {
            row
        }
        Some(row) => {
            let mut am: question_bank::ActiveModel = row.into();
            am.title = Set(bank.title.clone());
            am.description = Set(bank.description.clone());
            am.version = Set(bank.version);
            am.content_hash = Set(bank.content_hash.clone());
            am.source_file = Set(bank.source_file.clone());
            am.updated_at = Set(now);
            am.update(&txn).await?
        }
        None => {
            report.created = true;
            question_bank::ActiveModel {
                slug: Set(bank.id.clone()),
                title: Set(bank.title.clone()),
                description: Set(bank.description.clone()),
                version: Set(bank.version),
                content_hash: Set(bank.content_hash.clone()),
                source_file: Set(bank.source_file.clone()),
                organization_id: Set(organization),
                updated_at: Set(now),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let rows = Question::find()
        .filter(question::Column::BankId.eq(bank_row.id))
        .all(&txn)
        .await?;
    for q in &bank.questions {
        let fields = fields_of(q);
        match rows.iter().find(|r| r.slug == q.id) {
            Some(row) if same(row, &fields) => report.unchanged += 1,
            Some(row) => {
                let mut am: question::ActiveModel = row.clone().into();
                fields.apply(&mut am);
                am.retired = Set(false);
                am.updated_at = Set(now);
                am.update(&txn).await?;
                report.updated += 1;
            }
            None => {
                let mut am = question::ActiveModel {
                    bank_id: Set(bank_row.id),
                    slug: Set(q.id.clone()),
                    retired: Set(false),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                };
                fields.apply(&mut am);
                am.insert(&txn).await?;
                report.added += 1;
            }
        }
    }
    // Questions dropped from the file are retired, not deleted: old transcripts keep them.
    for row in rows
        .into_iter()
        .filter(|r| !r.retired && !bank.questions.iter().any(|q| q.id == r.slug))
    {
        let mut am: question::ActiveModel = row.into();
        am.retired = Set(true);
        am.updated_at = Set(now);
        am.update(&txn).await?;
        report.retired += 1;
    }
    txn.commit().await?;
    Ok(report)
}

struct Fields {
    kind: String,
    competency: String,
    prompt: String,
    rubric: serde_json::Value,
    follow_ups: serde_json::Value,
    time_limit_secs: i32,
    difficulty: String,
    tags: serde_json::Value,
    language: Option<String>,
    starter_code: Option<String>,
}

fn fields_of(q: &BankQuestion) -> Fields {
    Fields {
        kind: q.kind.as_str().into(),
        competency: q.competency.clone(),
        prompt: q.prompt.clone(),
        rubric: json!(q.rubric),
        follow_ups: json!(q.follow_ups),
        time_limit_secs: q.time_limit_secs,
        difficulty: q.difficulty.as_str().into(),
        tags: json!(q.tags),
        language: q.language.clone(),
        starter_code: q.starter_code.clone(),
    }
}

impl Fields {
    fn apply(self, am: &mut question::ActiveModel) {
        am.kind = Set(self.kind);
        am.competency = Set(self.competency);
        am.prompt = Set(self.prompt);
        am.rubric = Set(self.rubric);
        am.follow_ups = Set(self.follow_ups);
        am.time_limit_secs = Set(self.time_limit_secs);
        am.difficulty = Set(self.difficulty);
        am.tags = Set(self.tags);
        am.language = Set(self.language);
        am.starter_code = Set(self.starter_code);
    }
}

fn same(row: &question::Model, f: &Fields) -> bool {
    !row.retired
        && row.kind == f.kind
        && row.competency == f.competency
        && row.prompt == f.prompt
        && row.rubric == f.rubric
        && row.follow_ups == f.follow_ups
        && row.time_limit_secs == f.time_limit_secs
        && row.difficulty == f.difficulty
        && row.tags == f.tags
        && row.language == f.language
        && row.starter_code == f.starter_code
}

pub async fn list(db: &impl ConnectionTrait) -> DbResult<Vec<question_bank::Model>> {
    Ok(QuestionBank::find()
        .order_by_asc(question_bank::Column::Slug)
        .all(db)
        .await?)
}

/// Banks `organization` may use: those shipped with the server and its own (all, for none).
pub async fn visible(
    db: &impl ConnectionTrait,
    organization: Option<i64>,
) -> DbResult<Vec<question_bank::Model>> {
    Ok(list(db)
        .await?
        .into_iter()
        .filter(|b| {
            organization.is_none() || b.organization_id.is_none_or(|o| Some(o) == organization)
        })
        .collect())
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> DbResult<question_bank::Model> {
    QuestionBank::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound)
}

/// Active questions of a bank, in file order.
pub async fn questions(db: &impl ConnectionTrait, bank_id: i64) -> DbResult<Vec<question::Model>> {
    Ok(Question::find()
        .filter(question::Column::BankId.eq(bank_id))
        .filter(question::Column::Retired.eq(false))
        .order_by_asc(question::Column::Id)
        .all(db)
        .await?)
}

pub async fn question(db: &impl ConnectionTrait, id: i64) -> DbResult<question::Model> {
    Question::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound)
}

/// A bank as the documented TOML data model, active questions only.
pub async fn export(db: &impl ConnectionTrait, slug: &str) -> DbResult<Bank> {
    let row = QuestionBank::find()
        .filter(question_bank::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(DbError::NotFound)?;
    let questions = questions(db, row.id)
        .await?
        .into_iter()
        .map(to_bank_question)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Bank {
        id: row.slug,
        title: row.title,
        version: row.version,
        description: row.description,
        source_file: row.source_file,
        content_hash: row.content_hash,
        questions,
    })
}

pub fn to_bank_question(q: question::Model) -> Result<BankQuestion, DbError> {
    let corrupt =
        |what: &str| DbError::Conflict(format!("question {} has an invalid {what}", q.id));
    let kind: QuestionKind = serde_json::from_value(json!(q.kind)).map_err(|_| corrupt("kind"))?;
    let difficulty: Difficulty =
        serde_json::from_value(json!(q.difficulty)).map_err(|_| corrupt("difficulty"))?;
    Ok(BankQuestion {
        kind,
        difficulty,
        competency: q.competency.clone(),
        prompt: q.prompt.clone(),
        rubric: serde_json::from_value(q.rubric.clone()).map_err(|_| corrupt("rubric"))?,
        follow_ups: serde_json::from_value(q.follow_ups.clone())
            .map_err(|_| corrupt("follow_ups"))?,
        time_limit_secs: q.time_limit_secs,
        tags: serde_json::from_value(q.tags.clone()).map_err(|_| corrupt("tags"))?,
        language: q.language.clone(),
        starter_code: q.starter_code.clone(),
        id: q.slug,
    })
}
