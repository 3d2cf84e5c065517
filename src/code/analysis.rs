//! The tree walk: one iterative pass over the syntax tree collecting functions and candidate
//! findings, then a filtering pass once every scope's locals, guards and fields are known.

use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, Parser};

use super::languages::{Grammar, grammar, ts_language};
use super::state::looks_hashed;
use super::syntax::{
    collection_name, first_identifier, function_name, line, named_children, params, text,
};
use super::{CodeAnalysis, CodeError, FindingKind, FunctionInfo, Language};

/// Deeper subtrees are skipped: real code never nests this far, and it bounds the work stack.
const MAX_DEPTH: usize = 1_000;

// Detail phrases that `questions.rs` keys its wording on.
pub(super) const NO_BASE_CASE: &str = "no base case appears before the recursive call";
pub(super) const HAS_BASE_CASE: &str = "an earlier return or condition can stop the recursion";
pub(super) const GLOBAL: &str = "declares `global";
pub(super) const MODULE_LEVEL: &str = "modifies the module-level";
pub(super) const STATIC_FIELD: &str = "modifies the static field";
pub(super) const FIELD: &str = "updates the field";
pub(super) const STATIC_MUT: &str = "declares `static mut";
pub(super) const MUT_PARAM: &str = "mutates its `&mut` parameter";

pub fn analyze(language: Language, source: &str) -> Result<CodeAnalysis, CodeError> {
    let mut parser = Parser::new();
    parser
        .set_language(&ts_language(language))
        .map_err(|_| CodeError::Parser(language.as_str()))?;
    let tree = parser.parse(source, None).ok_or(CodeError::Unparseable)?;
    let mut walker = Walker::new(language, source);
    walker.walk(tree.root_node());
    Ok(walker.finish())
}

#[derive(Clone, Copy, Default)]
pub(super) struct Ctx {
    /// 0 is module level; `i` is `functions[i - 1]`. Anonymous functions share their parent's.
    pub(super) scope: usize,
    pub(super) in_fn: bool,
    pub(super) loop_depth: usize,
    pub(super) loop_line: usize,
    pub(super) in_try: bool,
    pub(super) in_cond: bool,
    pub(super) test: Test,
    pub(super) depth: usize,
}

/// Whether a node sits in a test, where a length check guards later reads.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Test {
    #[default]
    No,
    /// An `if`/ternary/`match`/`assert` condition: guards the rest of the function.
    Cond,
    /// A loop header (`for i in range(len(xs))`): guards reads inside loops only.
    Header,
}

/// How a node's children relate to its loop, if it is one.
enum Shape {
    Plain,
    /// A loop whose listed fields are evaluated once, outside the iteration.
    Once(&'static [&'static str]),
    /// `xs.map(f)`: only the arguments run per element.
    Callback,
    /// Python comprehension: each `for` clause nests inside the previous one.
    Comprehension,
}

#[derive(Default)]
pub(super) struct Scope {
    pub(super) name: Option<String>,
    pub(super) params: Vec<String>,
    pub(super) mut_refs: HashSet<String>,
    pub(super) locals: HashSet<String>,
    pub(super) globals: HashSet<String>,
    pub(super) guarded: HashSet<String>,
    pub(super) loop_guarded: HashSet<String>,
    /// `n = len(xs)`: a test on `n` guards `xs`.
    pub(super) length_aliases: HashMap<String, String>,
    pub(super) first_return_end: Option<usize>,
    pub(super) nan_checked: bool,
    pub(super) throws: bool,
    /// Java instance method that is neither a constructor nor `synchronized`.
    pub(super) plain_method: bool,
}

/// What must still hold, once the whole file is seen, for a candidate to become a finding.
pub(super) enum Check {
    Keep,
    Unguarded {
        name: String,
        in_loop: bool,
    },
    NotHashed(String),
    NanUnchecked,
    Shared {
        name: String,
        compound: bool,
        via_this: bool,
    },
}

pub(super) struct Raw {
    pub(super) scope: usize,
    pub(super) kind: FindingKind,
    pub(super) line: usize,
    pub(super) identifier: Option<String>,
    pub(super) detail: String,
    pub(super) check: Check,
}

pub(super) struct Walker<'s> {
    pub(super) lang: Language,
    pub(super) g: &'static Grammar,
    pub(super) src: &'s str,
    pub(super) scopes: Vec<Scope>,
    pub(super) functions: Vec<FunctionInfo>,
    pub(super) raw: Vec<Raw>,
    pub(super) syntax_errors: usize,
    pub(super) module_names: HashSet<String>,
    pub(super) hashed: HashSet<String>,
    pub(super) static_fields: HashSet<String>,
    pub(super) instance_fields: HashSet<String>,
}

impl<'s> Walker<'s> {
    fn new(lang: Language, src: &'s str) -> Self {
        Walker {
            lang,
            g: grammar(lang),
            src,
            scopes: vec![Scope::default()],
            functions: Vec::new(),
            raw: Vec::new(),
            syntax_errors: 0,
            module_names: HashSet::new(),
            hashed: HashSet::new(),
            static_fields: HashSet::new(),
            instance_fields: HashSet::new(),
        }
    }

    fn walk(&mut self, root: Node) {
        let mut stack = vec![(root, Ctx::default())];
        let mut kids = Vec::new();
        while let Some((node, ctx)) = stack.pop() {
            let (inner, shape) = self.visit(node, ctx);
            if ctx.depth >= MAX_DEPTH {
                continue;
            }
            kids.clear();
            let mut cursor = node.walk();
            if cursor.goto_first_child() {
                loop {
                    kids.push((cursor.node(), cursor.field_name()));
                    if !cursor.goto_next_sibling() {
                        break;
                    }
                }
            }
            let protected = self.g.tries.contains(&node.kind())
                && kids
                    .iter()
                    .any(|(k, _)| self.g.handlers.contains(&k.kind()));
            let conditional = self.g.conditionals.contains(&node.kind());
            let clauses: Vec<Node> = match shape {
                Shape::Comprehension => kids
                    .iter()
                    .map(|k| k.0)
                    .filter(|k| k.kind() == "for_in_clause")
                    .collect(),
                _ => Vec::new(),
            };
            let start = stack.len();
            for &(child, field) in &kids {
                let mut c = match &shape {
                    Shape::Plain => inner,
                    Shape::Once(once) => {
                        if field.is_some_and(|f| once.contains(&f)) {
                            ctx
                        } else {
                            inner
                        }
                    }
                    Shape::Callback => {
                        if field == Some("arguments") {
                            inner
                        } else {
                            ctx
                        }
                    }
                    Shape::Comprehension => match clauses.iter().position(|c| *c == child) {
                        Some(0) => ctx,
                        Some(k) => Ctx {
                            loop_depth: ctx.loop_depth + k,
                            loop_line: line(clauses[k - 1]),
                            ..ctx
                        },
                        None => match clauses.last() {
                            Some(last) => Ctx {
                                loop_depth: ctx.loop_depth + clauses.len(),
                                loop_line: line(*last),
                                ..ctx
                            },
                            None => ctx,
                        },
                    },
                };
                c.in_try |= protected && matches!(field, Some("body" | "resources"));
                c.in_cond |= conditional;
                if let Some(test) = test_context(node, field, &shape) {
                    c.test = test;
                }
                c.depth = ctx.depth + 1;
                stack.push((child, c));
            }
            stack[start..].reverse();
        }
    }

    fn visit(&mut self, node: Node, ctx: Ctx) -> (Ctx, Shape) {
        if node.is_error() || node.is_missing() {
            self.syntax_errors += 1;
        }
        let kind = node.kind();
        let g = self.g;
        if g.functions.contains(&kind) || g.lambdas.contains(&kind) {
            return (self.enter_function(node, ctx), Shape::Plain);
        }
        if let Some(lk) = g.loops.iter().find(|l| l.kind == kind) {
            self.declare_loop_vars(node, ctx);
            let collection = lk.collection.and_then(|f| node.child_by_field_name(f));
            return (self.enter_loop(node, ctx, collection), Shape::Once(lk.once));
        }
        if matches!(
            kind,
            "list_comprehension"
                | "set_comprehension"
                | "dictionary_comprehension"
                | "generator_expression"
        ) {
            return (ctx, Shape::Comprehension);
        }
        if kind == g.call {
            if let Some(receiver) = self.call(node, ctx) {
                return (self.enter_loop(node, ctx, Some(receiver)), Shape::Callback);
            }
            return (ctx, Shape::Plain);
        }
        self.other(node, ctx);
        (ctx, Shape::Plain)
    }

    fn enter_function(&mut self, node: Node, ctx: Ctx) -> Ctx {
        let src = self.src;
        let ps = params(node, src);
        for p in &ps {
            if p.type_node.is_some_and(|t| looks_hashed(text(t, src))) {
                self.hashed.insert(p.name.to_string());
            }
        }
        let name = if self.g.lambdas.contains(&node.kind()) {
            None
        } else {
            function_name(node, src)
        };
        let Some(name) = name else {
            // Anonymous: its parameters shadow outer names but it shares the enclosing scope.
            let scope = &mut self.scopes[ctx.scope];
            scope.locals.extend(ps.iter().map(|p| p.name.to_string()));
            return Ctx { in_fn: true, ..ctx };
        };
        let modifiers = named_children(node)
            .into_iter()
            .find(|c| c.kind() == "modifiers")
            .map(|m| text(m, src));
        let scope = Scope {
            name: Some(name.clone()),
            params: ps.iter().map(|p| p.name.to_string()).collect(),
            mut_refs: ps
                .iter()
                .filter(|p| p.mut_ref)
                .map(|p| p.name.to_string())
                .collect(),
            throws: named_children(node).iter().any(|c| c.kind() == "throws"),
            plain_method: node.kind() == "method_declaration"
                && !modifiers.is_some_and(|m| m.contains("synchronized") || m.contains("static")),
            ..Scope::default()
        };
        self.functions.push(FunctionInfo {
            name,
            line: line(node),
            params: scope.params.clone(),
            recursive: false,
            max_loop_depth: 0,
        });
        self.scopes.push(scope);
        Ctx {
            scope: self.scopes.len() - 1,
            in_fn: true,
            depth: ctx.depth,
            ..Ctx::default()
        }
    }

    pub(super) fn enter_loop(&mut self, node: Node, ctx: Ctx, collection: Option<Node>) -> Ctx {
        let depth = ctx.loop_depth + 1;
        if let Some(f) = ctx
            .scope
            .checked_sub(1)
            .and_then(|i| self.functions.get_mut(i))
        {
            f.max_loop_depth = f.max_loop_depth.max(depth);
        }
        // Only the first nesting level is reported; deeper levels show in `max_loop_depth`.
        if depth == 2 {
            let ident = collection
                .and_then(|c| collection_name(c, &self.scopes[ctx.scope].params, self.src));
            let mut detail = format!(
                "the loop on line {} runs inside the loop on line {}",
                line(node),
                ctx.loop_line
            );
            if let Some(i) = &ident {
                detail.push_str(&format!(" over `{i}`"));
            }
            self.push(
                ctx,
                FindingKind::NestedLoop,
                node,
                ident,
                detail,
                Check::Keep,
            );
        }
        Ctx {
            loop_depth: depth,
            loop_line: line(node),
            ..ctx
        }
    }

    fn declare_loop_vars(&mut self, node: Node, ctx: Ctx) {
        let target = ["left", "name"]
            .iter()
            .find_map(|f| node.child_by_field_name(f));
        if let Some(name) = target.and_then(|t| first_identifier(t, self.src)) {
            self.declare(ctx, name);
        }
    }

    pub(super) fn declare(&mut self, ctx: Ctx, name: &str) {
        if ctx.in_fn {
            self.scopes[ctx.scope].locals.insert(name.to_string());
        } else {
            self.module_names.insert(name.to_string());
        }
    }

    pub(super) fn push(
        &mut self,
        ctx: Ctx,
        kind: FindingKind,
        node: Node,
        identifier: Option<String>,
        detail: String,
        check: Check,
    ) {
        self.raw.push(Raw {
            scope: ctx.scope,
            kind,
            line: line(node),
            identifier,
            detail,
            check,
        });
    }
}

fn test_context(node: Node, field: Option<&str>, shape: &Shape) -> Option<Test> {
    let is_loop = matches!(shape, Shape::Once(_) | Shape::Callback);
    match (node.kind(), field) {
        (_, Some("condition")) if is_loop => Some(Test::Header),
        (_, Some(f)) if matches!(shape, Shape::Once(once) if once.contains(&f)) => {
            Some(Test::Header)
        }
        (_, Some("condition")) => Some(Test::Cond),
        ("match_expression" | "switch_statement", Some("value")) => Some(Test::Cond),
        ("match_statement", Some("subject")) => Some(Test::Cond),
        ("conditional_expression" | "assert_statement", _) => Some(Test::Cond),
        _ => None,
    }
}
