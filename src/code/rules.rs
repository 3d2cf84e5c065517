//! Rules on calls and indexing, applied by the walk in `analysis.rs` as it meets each node.

use tree_sitter::Node;

use super::FindingKind as K;
use super::Language;
use super::analysis::{Check, Ctx, HAS_BASE_CASE, NO_BASE_CASE, Test, Walker};
use super::languages::Grammar;
use super::syntax::{
    Call, call_parts, is_empty_body, is_self, member_object, member_property, named_children,
    short, target_root, text,
};

impl Walker<'_> {
    /// Rules on calls; returns the receiver when the call is itself a loop (`xs.forEach(..)`).
    pub(super) fn call<'t>(&mut self, node: Node<'t>, ctx: Ctx) -> Option<Node<'t>> {
        let (g, src) = (self.g, self.src);
        let c = call_parts(node, src)?;
        self.recursion(node, ctx, &c);
        if g.length_checks.contains(&c.name) && !inside_index(node, g) {
            // `len(xs)` takes its subject as an argument, `xs.len()` as the receiver.
            let subject = if c.receiver.is_none() {
                c.first_arg()
            } else {
                c.receiver
            };
            self.guard(ctx, subject, ctx.test);
        }
        if matches!(c.callee, "isNaN" | "Number.isNaN") {
            self.scopes[ctx.scope].nan_checked = true;
        }
        if ctx.loop_depth > 0 {
            self.in_loop_call(node, ctx, &c);
        }
        if let Some(entry) = g.risky_calls.iter().find(|e| c.matches(e)) {
            self.risky_call(node, ctx, &c, entry);
        }
        let receiver = c.receiver?;
        if self.lang == Language::Rust && matches!(c.name, "unwrap" | "expect") {
            let recv = short(text(receiver, src));
            let detail = format!(
                "`.{}()` on `{recv}` panics instead of handling the failure",
                c.name
            );
            self.push(
                ctx,
                K::SwallowedError,
                node,
                Some(recv),
                detail,
                Check::Keep,
            );
        }
        if self.lang == Language::JavaScript && c.name == "catch" {
            let body = c.first_arg().and_then(|f| f.child_by_field_name("body"));
            if body.is_some_and(|b| b.kind() == "statement_block" && is_empty_body(b)) {
                let detail = "the `.catch()` handler is empty, so failures vanish silently";
                self.push(
                    ctx,
                    K::SwallowedError,
                    node,
                    None,
                    detail.to_string(),
                    Check::Keep,
                );
            }
        }
        if g.mutators.contains(&c.name) {
            self.mutation(node, ctx, target_root(receiver, src), false);
        }
        if g.index_methods.contains(&c.name) && c.first_arg().is_some_and(|a| self.risky_index(a)) {
            self.unguarded(node, ctx, receiver);
        }
        let is_function =
            |x: &Node| g.functions.contains(&x.kind()) || g.lambdas.contains(&x.kind());
        let callback_loop = g.callback_loops.contains(&c.name)
            && c.args
                .is_some_and(|a| named_children(a).iter().any(is_function))
            && g.callback_receivers
                .is_none_or(|hints| hints.iter().any(|h| text(receiver, src).contains(h)));
        callback_loop.then_some(receiver)
    }

    fn recursion(&mut self, node: Node, ctx: Ctx, c: &Call) {
        let Some(name) = self.scopes[ctx.scope].name.as_deref() else {
            return;
        };
        let itself = c.name == name
            && match c.receiver {
                None => c.callee == name || c.callee.strip_prefix("Self::") == Some(name),
                Some(r) => is_self(r, self.src),
            };
        let Some(f) = self.functions.get_mut(ctx.scope - 1) else {
            return;
        };
        if !itself || f.recursive {
            return;
        }
        f.recursive = true;
        let name = f.name.clone();
        let first_return = self.scopes[ctx.scope].first_return_end;
        let early_return = first_return.is_some_and(|end| end <= node.start_byte());
        let detail = if ctx.in_cond || early_return {
            HAS_BASE_CASE
        } else {
            NO_BASE_CASE
        };
        self.push(
            ctx,
            K::Recursion,
            node,
            Some(name),
            detail.to_string(),
            Check::Keep,
        );
    }

    fn in_loop_call(&mut self, node: Node, ctx: Ctx, c: &Call) {
        let (g, src) = (self.g, self.src);
        // Table entries starting with `.` act on the receiver, others on the first argument.
        let subject = |entry: &&str| {
            if entry.starts_with('.') {
                c.receiver
            } else {
                c.first_arg()
            }
        };
        let name_of =
            |n: Node| target_root(n, src).map_or_else(|| short(text(n, src)), |r| r.0.to_string());
        let call_text = short(text(node, src));
        if let Some(s) = g.sorters.iter().find(|e| c.matches(e)).and_then(subject) {
            let detail = format!(
                "`{call_text}` runs inside the loop on line {}",
                ctx.loop_line
            );
            self.push(
                ctx,
                K::SortInLoop,
                node,
                Some(name_of(s)),
                detail,
                Check::Keep,
            );
        }
        let searched = g.searches.iter().find(|e| c.matches(e)).and_then(subject);
        // `(a..b).contains(x)` is a range check, not a scan.
        if let Some(s) = searched.filter(|s| !text(*s, src).contains("..")) {
            self.linear_search(node, ctx, &call_text, name_of(s));
        }
    }

    fn risky_call(&mut self, node: Node, ctx: Ctx, c: &Call, entry: &str) {
        let numeric_arg = c.first_arg().is_some_and(|a| {
            let numeric = ["integer", "float", "binary_operator", "unary_operator"];
            numeric.contains(&a.kind()) || a.kind() == "parenthesized_expression"
        });
        let handled = match self.lang {
            // The compiler forces a Result to be used; only throwing it away goes unhandled.
            Language::Rust => !discarded(node),
            Language::Python => ctx.in_try || (matches!(entry, "int" | "float") && numeric_arg),
            Language::JavaScript => ctx.in_try || catch_chained(node, self.src),
            Language::Java => ctx.in_try || self.scopes[ctx.scope].throws,
        };
        if handled {
            return;
        }
        let ident = format!("{}()", entry.trim_start_matches('.'));
        let excerpt = short(text(node, self.src));
        let (detail, check) = match entry {
            _ if self.lang == Language::Rust => (
                format!("the result of `{excerpt}` is discarded"),
                Check::Keep,
            ),
            "parseInt" | "parseFloat" | "Number.parseInt" | "Number.parseFloat" => (
                format!("`{excerpt}` can return NaN and nothing checks for it"),
                Check::NanUnchecked,
            ),
            _ => (
                format!("`{excerpt}` can fail and nothing handles the error"),
                Check::Keep,
            ),
        };
        self.push(ctx, K::NoErrorHandling, node, Some(ident), detail, check);
    }

    /// Indexes that assume a minimum length: a literal (`xs[0]`, `xs[-1]`) or an offset (`xs[i + 1]`).
    pub(super) fn risky_index(&self, index: Node) -> bool {
        let literal = |n: &Node| self.g.int_literals.contains(&n.kind());
        match index.kind() {
            _ if literal(&index) => true,
            "unary_operator" | "unary_expression" => {
                text(index, self.src).starts_with('-') && named_children(index).iter().any(literal)
            }
            "binary_operator" | "binary_expression" => index
                .child_by_field_name("operator")
                .is_some_and(|o| matches!(text(o, self.src), "+" | "-")),
            _ => false,
        }
    }

    pub(super) fn unguarded(&mut self, node: Node, ctx: Ctx, object: Node) {
        let name = text(object, self.src);
        let is_param = self.scopes[ctx.scope].params.iter().any(|p| p == name);
        if object.kind() != "identifier" || !is_param || ctx.in_try {
            return;
        }
        let read = short(text(node, self.src));
        let detail = format!("`{read}` is read without checking that `{name}` is non-empty");
        let check = Check::Unguarded {
            name: name.to_string(),
            in_loop: ctx.loop_depth > 0,
        };
        self.push(
            ctx,
            K::UnguardedIndex,
            node,
            Some(name.to_string()),
            detail,
            check,
        );
    }

    /// Records a length/emptiness check on `subject` if it sits where it can guard a read.
    pub(super) fn guard(&mut self, ctx: Ctx, subject: Option<Node>, test: Test) {
        let Some(s) = subject.filter(|s| s.kind() == "identifier") else {
            return;
        };
        let scope = &mut self.scopes[ctx.scope];
        let name = text(s, self.src);
        let name = scope
            .length_aliases
            .get(name)
            .map_or_else(|| name.to_string(), Clone::clone);
        match test {
            Test::Cond => scope.guarded.insert(name),
            Test::Header => scope.loop_guarded.insert(name),
            Test::No => false,
        };
    }

    /// The collection whose length `node` measures: `xs` in `len(xs)`, `xs.len()`, `xs.length`.
    pub(super) fn length_subject(&self, node: Node) -> Option<String> {
        let src = self.src;
        let subject = if node.kind() == self.g.call {
            let c = call_parts(node, src).filter(|c| self.g.length_checks.contains(&c.name))?;
            if c.receiver.is_none() {
                c.first_arg()
            } else {
                c.receiver
            }
        } else {
            member_property(node, src).filter(|p| self.g.length_checks.contains(p))?;
            member_object(node)
        };
        subject
            .filter(|s| s.kind() == "identifier")
            .map(|s| text(s, src).to_string())
    }
}

/// Whether a length mention sits inside an index (`xs[len(xs) - 1]`), which reads, not guards.
pub(super) fn inside_index(node: Node, g: &Grammar) -> bool {
    let mut cur = node;
    for _ in 0..6 {
        let Some(parent) = cur.parent() else {
            return false;
        };
        if g.indexes.contains(&parent.kind()) {
            return true;
        }
        cur = parent;
    }
    false
}

/// Rust: a fallible result thrown away (`fs::write(..);` or `let _ = ..`).
fn discarded(node: Node) -> bool {
    node.parent().is_some_and(|p| {
        let wildcard = || {
            p.child_by_field_name("pattern")
                .is_some_and(|pat| pat.kind() == "_")
        };
        p.kind() == "expression_statement" || (p.kind() == "let_declaration" && wildcard())
    })
}

/// JavaScript: a promise with `.catch(..)` somewhere along its chain.
fn catch_chained(node: Node, src: &str) -> bool {
    let mut cur = node;
    for _ in 0..12 {
        let Some(parent) = cur.parent() else {
            return false;
        };
        match parent.kind() {
            "member_expression" if member_property(parent, src) == Some("catch") => return true,
            "member_expression" | "call_expression" | "await_expression" => {}
            "parenthesized_expression" => {}
            _ => return false,
        }
        cur = parent;
    }
    false
}
