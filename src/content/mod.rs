//! Content kept as data: question banks (`question-bank/*.toml`) and LLM prompt templates
//! (`prompts/*.j2`), loaded and validated once at start-up.

pub mod prompts;
pub mod question_bank;

pub use prompts::{PromptError, Prompts};
pub use question_bank::{Bank, BankError, Difficulty, Question, QuestionKind};
