//! Rules on declarations, assignments, guards and handlers: everything the walk meets that is
//! not a function, loop or call. Much of it only records facts (locals, fields, hashed
//! collections, length checks) that `Walker::finish` uses to confirm or drop candidates.

use tree_sitter::Node;

use super::FindingKind as K;
use super::Language;
use super::analysis::{Check, Ctx, GLOBAL, MUT_PARAM, STATIC_MUT, Test, Walker};
use super::rules::inside_index;
use super::syntax::{
    first_identifier, index_parts, is_empty_body, member_object, member_property, named_children,
    short, target_root, text,
};

impl Walker<'_> {
    pub(super) fn other(&mut self, node: Node, ctx: Ctx) {
        let (g, src) = (self.g, self.src);
        let field = |f: &str| node.child_by_field_name(f);
        match node.kind() {
            k if g.returns.contains(&k) => {
                let end = &mut self.scopes[ctx.scope].first_return_end;
                *end = Some(end.map_or(node.end_byte(), |e| e.min(node.end_byte())));
            }
            k if g.indexes.contains(&k) => {
                if let Some((object, _)) = index_parts(node).filter(|(_, i)| self.risky_index(*i)) {
                    self.unguarded(node, ctx, object);
                }
            }
            k if g.handlers.contains(&k) => self.handler(node, ctx),
            k if g.assignments.contains(&k) => self.assignment(node, ctx),
            k if g.updates.contains(&k) => {
                let target = field("argument").or_else(|| node.named_child(0));
                self.mutation(node, ctx, target.and_then(|t| target_root(t, src)), true);
            }
            "identifier" => self.value_guard(node, ctx),
            "global_statement" if ctx.in_fn => {
                for id in named_children(node)
                    .into_iter()
                    .filter(|n| n.kind() == "identifier")
                {
                    let name = text(id, src).to_string();
                    self.scopes[ctx.scope].globals.insert(name.clone());
                    let detail = format!("{GLOBAL} {name}` and modifies shared state");
                    self.push(ctx, K::SharedMutation, id, Some(name), detail, Check::Keep);
                }
            }
            "static_item"
                if named_children(node)
                    .iter()
                    .any(|c| c.kind() == "mutable_specifier") =>
            {
                if let Some(name) = field("name").map(|n| text(n, src).to_string()) {
                    let detail = format!("{STATIC_MUT} {name}`");
                    self.push(
                        ctx,
                        K::SharedMutation,
                        node,
                        Some(name),
                        detail,
                        Check::Keep,
                    );
                }
            }
            "field_declaration" if self.lang == Language::Java => self.java_fields(node),
            "variable_declarator" => self.declarator(node, ctx),
            "let_declaration" => {
                let mut typed = [field("type"), field("value")].into_iter().flatten();
                let hashed = typed.any(|t| looks_hashed(text(t, src)));
                if let Some(name) = field("pattern").filter(|p| p.kind() == "identifier") {
                    self.length_alias(ctx, text(name, src), field("value"));
                }
                if let Some(name) = field("pattern")
                    .and_then(|p| first_identifier(p, src))
                    .filter(|_| hashed)
                {
                    self.hashed.insert(name.to_string());
                }
            }
            "comparison_operator" if ctx.loop_depth > 0 => self.membership_test(node, ctx),
            "catch_formal_parameter" | "formal_parameter" => {
                if let Some(name) = field("name") {
                    self.declare(ctx, text(name, src));
                }
            }
            _ => {
                // `xs.length` / `xs.size` style length checks.
                let prop = member_property(node, src).filter(|p| g.length_checks.contains(p));
                if prop.is_some_and(|p| p != "len") && !inside_index(node, g) {
                    self.guard(ctx, member_object(node), ctx.test);
                }
            }
        }
    }

    /// A parameter or length alias tested as a value: `if xs:`, `!xs`, `n < 2`, `xs and xs[0]`.
    fn value_guard(&mut self, node: Node, ctx: Ctx) {
        let src = self.src;
        let name = text(node, src);
        let scope = &self.scopes[ctx.scope];
        // Cheap filter first: `parent()` walks down from the root.
        if !scope.params.iter().any(|p| p == name) && !scope.length_aliases.contains_key(name) {
            return;
        }
        let Some(parent) = node.parent() else { return };
        // `xs[0]` or `xs.includes(y)` in a condition reads `xs`; it does not test it.
        let reads = self.g.indexes.contains(&parent.kind())
            || matches!(
                parent.kind(),
                "attribute"
                    | "member_expression"
                    | "field_expression"
                    | "field_access"
                    | "method_invocation"
            );
        if reads && index_parts(parent).map(|p| p.0) == Some(node) {
            return;
        }
        let operator = parent.child_by_field_name("operator").map(|o| text(o, src));
        let short_circuit =
            parent.kind() == "boolean_operator" || matches!(operator, Some("&&" | "||" | "??"));
        self.guard(
            ctx,
            Some(node),
            if short_circuit { Test::Cond } else { ctx.test },
        );
    }

    fn handler(&mut self, node: Node, ctx: Ctx) {
        let src = self.src;
        let (identifier, detail) = if node.kind() == "except_clause" {
            let body = named_children(node)
                .into_iter()
                .find(|c| c.kind() == "block");
            match node.child_by_field_name("value") {
                None => {
                    let detail =
                        "a bare `except:` catches every error, even ones you did not expect";
                    (None, detail.to_string())
                }
                Some(v) if body.is_some_and(is_empty_body) => {
                    let caught = short(text(v, src));
                    let detail = format!("`except {caught}` ignores the error silently");
                    (Some(caught), detail)
                }
                Some(_) => return,
            }
        } else {
            if !node.child_by_field_name("body").is_some_and(is_empty_body) {
                return;
            }
            // Java names the caught type; JavaScript has none.
            let param = named_children(node)
                .into_iter()
                .find(|c| c.kind() == "catch_formal_parameter");
            let caught = param.and_then(|p| {
                named_children(p)
                    .into_iter()
                    .find(|c| c.kind() == "catch_type")
            });
            let detail = "the `catch` block is empty, so errors vanish silently".to_string();
            (caught.map(|c| short(text(c, src))), detail)
        };
        self.push(
            ctx,
            K::SwallowedError,
            node,
            identifier,
            detail,
            Check::Keep,
        );
    }

    fn assignment(&mut self, node: Node, ctx: Ctx) {
        let src = self.src;
        let Some(left) = node.child_by_field_name("left") else {
            return;
        };
        let value_or_type = [
            node.child_by_field_name("right"),
            node.child_by_field_name("type"),
        ];
        if value_or_type
            .into_iter()
            .flatten()
            .any(|n| looks_hashed(text(n, src)))
        {
            self.hashed.insert(text(left, src).to_string());
        }
        let operator = node.child_by_field_name("operator").map(|o| text(o, src));
        let compound = operator.is_some_and(|o| o != "=")
            || node.kind().starts_with("augmented")
            || node.kind().starts_with("compound");
        if self.lang != Language::Python {
            return self.mutation(node, ctx, target_root(left, src), compound);
        }
        // Python: binding a bare name makes it local; anything else writes through a name.
        match left.kind() {
            "identifier" => {
                self.declare(ctx, text(left, src));
                self.length_alias(ctx, text(left, src), node.child_by_field_name("right"));
            }
            "pattern_list" | "tuple_pattern" => {
                for name in named_children(left)
                    .into_iter()
                    .filter(|n| n.kind() == "identifier")
                {
                    self.declare(ctx, text(name, src));
                }
            }
            _ => self.mutation(node, ctx, target_root(left, src), compound),
        }
    }

    /// A candidate write to state outside the function; `finish` decides whether it is shared.
    pub(super) fn mutation(
        &mut self,
        node: Node,
        ctx: Ctx,
        root: Option<(&str, bool)>,
        compound: bool,
    ) {
        let Some((name, via_this)) = root.filter(|_| ctx.in_fn) else {
            return;
        };
        let check = match self.lang {
            Language::Rust if !via_this && self.scopes[ctx.scope].mut_refs.contains(name) => {
                let detail = format!("{MUT_PARAM} `{name}`");
                return self.push(
                    ctx,
                    K::SharedMutation,
                    node,
                    Some(name.to_string()),
                    detail,
                    Check::Keep,
                );
            }
            Language::Rust => return,
            // Instance state in Python and JavaScript is ordinary object-oriented code.
            Language::Python | Language::JavaScript if via_this => return,
            _ => Check::Shared {
                name: name.to_string(),
                compound,
                via_this,
            },
        };
        self.push(
            ctx,
            K::SharedMutation,
            node,
            Some(name.to_string()),
            String::new(),
            check,
        );
    }

    fn java_fields(&mut self, node: Node) {
        let src = self.src;
        let is_static = named_children(node).iter().any(|c| {
            c.kind() == "modifiers" && text(*c, src).split_whitespace().any(|w| w == "static")
        });
        let hashed = node
            .child_by_field_name("type")
            .is_some_and(|t| looks_hashed(text(t, src)));
        for d in named_children(node)
            .into_iter()
            .filter(|c| c.kind() == "variable_declarator")
        {
            let Some(name) = d
                .child_by_field_name("name")
                .map(|n| text(n, src).to_string())
            else {
                continue;
            };
            if hashed {
                self.hashed.insert(name.clone());
            }
            let fields = if is_static {
                &mut self.static_fields
            } else {
                &mut self.instance_fields
            };
            fields.insert(name);
        }
    }

    fn declarator(&mut self, node: Node, ctx: Ctx) {
        let src = self.src;
        let name = node
            .child_by_field_name("name")
            .filter(|n| n.kind() == "identifier");
        let Some(name) = name.map(|n| text(n, src)) else {
            return;
        };
        // Java declares the type on the parent; JavaScript only has the initial value.
        let declared = node.parent().and_then(|p| p.child_by_field_name("type"));
        let shape = declared.or(node.child_by_field_name("value"));
        if shape.is_some_and(|t| looks_hashed(text(t, src))) {
            self.hashed.insert(name.to_string());
        }
        self.length_alias(ctx, name, node.child_by_field_name("value"));
        // Java fields are collected by `java_fields`, not as module-level names.
        if node
            .parent()
            .is_none_or(|p| p.kind() != "field_declaration")
        {
            self.declare(ctx, name);
        }
    }

    fn length_alias(&mut self, ctx: Ctx, name: &str, value: Option<Node>) {
        if let Some(collection) = value.and_then(|v| self.length_subject(v)) {
            self.scopes[ctx.scope]
                .length_aliases
                .insert(name.to_string(), collection);
        }
    }

    /// Python `x in xs` inside a loop.
    fn membership_test(&mut self, node: Node, ctx: Ctx) {
        let src = self.src;
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        let Some(op) = children
            .iter()
            .position(|c| matches!(c.kind(), "in" | "not in"))
        else {
            return;
        };
        let right = children[op + 1..].iter().find(|c| c.is_named());
        let Some(right) = right.filter(|r| matches!(r.kind(), "identifier" | "attribute")) else {
            return;
        };
        let name = text(*right, src).to_string();
        let test = short(text(node, src)).to_string();
        self.linear_search(node, ctx, &test, name);
    }

    /// `shown` (a call or a test) scans the collection `name` inside a loop; kept only when
    /// `name` is not a set or map.
    pub(super) fn linear_search(&mut self, node: Node, ctx: Ctx, shown: &str, name: String) {
        let detail = format!(
            "`{shown}` scans `{name}` inside the loop on line {}",
            ctx.loop_line
        );
        self.push(
            ctx,
            K::LinearSearchInLoop,
            node,
            Some(name.clone()),
            detail,
            Check::NotHashed(name),
        );
    }
}

/// Declared or built as a hash set/map, so membership tests are O(1).
pub(super) fn looks_hashed(s: &str) -> bool {
    const MARKERS: &[&str] = &[
        "HashSet",
        "HashMap",
        "BTreeSet",
        "BTreeMap",
        "Set<",
        "Map<",
        "Set[",
        "Dict[",
        "set[",
        "dict[",
        "Counter(",
        "defaultdict(",
        "OrderedDict(",
        "frozenset(",
        "new Set",
        "new Map",
    ];
    let t = s.trim();
    MARKERS.iter().any(|m| t.contains(m))
        || matches!(t, "set" | "dict")
        || t.starts_with("set(")
        || t.starts_with("dict(")
        || t.starts_with('{')
}
