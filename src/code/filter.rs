//! The second pass: once the whole file is seen (every scope's locals, guards and the module's
//! names and fields), confirm or drop each candidate and deduplicate what remains.

use std::collections::HashSet;

use super::analysis::{Check, FIELD, MODULE_LEVEL, STATIC_FIELD, Scope, Walker};
use super::{CodeAnalysis, Finding, Language};

impl Walker<'_> {
    pub(super) fn finish(self) -> CodeAnalysis {
        let mut seen = HashSet::new();
        let mut findings = Vec::new();
        for raw in &self.raw {
            let scope = &self.scopes[raw.scope];
            let detail = match &raw.check {
                Check::Keep => Some(raw.detail.clone()),
                Check::Unguarded { name, in_loop } => {
                    let guarded = scope.guarded.contains(name)
                        || (*in_loop && scope.loop_guarded.contains(name));
                    (!guarded).then(|| raw.detail.clone())
                }
                Check::NotHashed(n) => (!self.hashed.contains(n)).then(|| raw.detail.clone()),
                Check::NanUnchecked => (!scope.nan_checked).then(|| raw.detail.clone()),
                Check::Shared {
                    name,
                    compound,
                    via_this,
                } => self.shared_detail(scope, name, *compound, *via_this),
            };
            let Some(detail) = detail else { continue };
            if !seen.insert((raw.kind, raw.scope, raw.identifier.clone())) {
                continue;
            }
            findings.push(Finding {
                kind: raw.kind,
                line: raw.line,
                function: scope.name.clone(),
                identifier: raw.identifier.clone(),
                detail,
            });
        }
        findings.sort_by_key(|f| f.line);
        CodeAnalysis {
            language: self.lang,
            lines: self.src.lines().count(),
            syntax_errors: self.syntax_errors,
            functions: self.functions,
            findings,
        }
    }

    fn shared_detail(
        &self,
        scope: &Scope,
        name: &str,
        compound: bool,
        via_this: bool,
    ) -> Option<String> {
        let local = scope.params.iter().any(|p| p == name)
            || (scope.locals.contains(name) && !scope.globals.contains(name));
        if local && !via_this {
            return None;
        }
        match self.lang {
            Language::Python | Language::JavaScript => self
                .module_names
                .contains(name)
                .then(|| format!("{MODULE_LEVEL} `{name}`")),
            Language::Java if self.static_fields.contains(name) => {
                Some(format!("{STATIC_FIELD} `{name}`"))
            }
            Language::Java
                if compound && scope.plain_method && self.instance_fields.contains(name) =>
            {
                Some(format!("{FIELD} `{name}` without synchronization"))
            }
            _ => None,
        }
    }
}
