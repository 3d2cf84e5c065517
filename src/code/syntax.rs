//! Small, bounded helpers over tree-sitter nodes shared by the analysis rules.
//!
//! Every search here has a fixed node budget so pathological input cannot make it expensive.

use tree_sitter::Node;

/// Nodes examined by one helper search; expressions worth naming are far smaller.
const BUDGET: usize = 64;

pub(crate) fn text<'s>(node: Node, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// A call split into receiver, method/function name and the callee as written.
#[derive(Clone, Copy)]
pub(crate) struct Call<'t, 's> {
    pub receiver: Option<Node<'t>>,
    pub name: &'s str,
    pub callee: &'s str,
    pub args: Option<Node<'t>>,
}

impl<'t> Call<'t, '_> {
    /// Whether this call matches a table entry (see `Grammar::sorters`).
    pub fn matches(&self, entry: &str) -> bool {
        if let Some(method) = entry.strip_prefix('.') {
            return self.receiver.is_some() && self.name == method;
        }
        self.callee == entry
            || self
                .callee
                .strip_suffix(entry)
                .is_some_and(|head| head.ends_with('.') || head.ends_with("::"))
    }

    pub fn first_arg(&self) -> Option<Node<'t>> {
        self.args.and_then(|a| a.named_child(0))
    }
}

pub(crate) fn call_parts<'t, 's>(node: Node<'t>, src: &'s str) -> Option<Call<'t, 's>> {
    let args = node.child_by_field_name("arguments");
    if node.kind() == "method_invocation" {
        let name = node.child_by_field_name("name")?;
        let receiver = node.child_by_field_name("object");
        let start = receiver.unwrap_or(name).start_byte();
        let callee = src.get(start..name.end_byte()).unwrap_or("");
        return Some(Call {
            receiver,
            name: text(name, src),
            callee,
            args,
        });
    }
    let mut function = node.child_by_field_name("function")?;
    if function.kind() == "generic_function" {
        function = function.child_by_field_name("function")?;
    }
    let (receiver, name) = match function.kind() {
        "attribute" => (
            function.child_by_field_name("object"),
            function.child_by_field_name("attribute")?,
        ),
        "member_expression" => (
            function.child_by_field_name("object"),
            function.child_by_field_name("property")?,
        ),
        "field_expression" => (
            function.child_by_field_name("value"),
            function.child_by_field_name("field")?,
        ),
        "scoped_identifier" => (None, function.child_by_field_name("name")?),
        _ => (None, function),
    };
    Some(Call {
        receiver,
        name: text(name, src),
        callee: text(function, src),
        args,
    })
}

/// Object and index of an indexing node, whatever the grammar calls them.
pub(crate) fn index_parts(node: Node) -> Option<(Node, Node)> {
    let object = ["value", "object", "array"]
        .iter()
        .find_map(|f| node.child_by_field_name(f));
    let index = ["subscript", "index"]
        .iter()
        .find_map(|f| node.child_by_field_name(f));
    match (object, index) {
        (Some(o), Some(i)) => Some((o, i)),
        _ => Some((node.named_child(0)?, node.named_child(1)?)),
    }
}

/// The object of a member-like node (`a.b`, `a[b]`, `*a`), if it is one.
pub(crate) fn member_object(node: Node) -> Option<Node> {
    match node.kind() {
        "attribute" | "member_expression" | "subscript_expression" | "field_access" => {
            node.child_by_field_name("object")
        }
        "subscript" => node.child_by_field_name("value"),
        "field_expression" => node.child_by_field_name("value"),
        "array_access" => node.child_by_field_name("array"),
        "index_expression"
        | "unary_expression"
        | "parenthesized_expression"
        | "reference_expression" => node.named_child(0),
        _ => None,
    }
}

/// The property name of a member-like node (`length` in `xs.length`).
pub(crate) fn member_property<'s>(node: Node, src: &'s str) -> Option<&'s str> {
    let field = match node.kind() {
        "attribute" => "attribute",
        "member_expression" => "property",
        "field_expression" | "field_access" => "field",
        _ => return None,
    };
    node.child_by_field_name(field).map(|n| text(n, src))
}

pub(crate) fn is_self(node: Node, src: &str) -> bool {
    matches!(node.kind(), "this" | "self")
        || (node.kind() == "identifier" && text(node, src) == "self")
}

/// Whitespace collapsed and long excerpts cut, so it reads well inside a spoken question.
pub(crate) fn short(s: &str) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 40 {
        return flat;
    }
    let cut: String = flat.chars().take(39).collect();
    format!("{cut}…")
}

pub(crate) fn line(node: Node) -> usize {
    node.start_position().row + 1
}

/// Named, non-comment children.
pub(crate) fn named_children(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| !c.is_extra())
        .collect()
}

/// Descendants in source order, at most `BUDGET` of them.
fn descendants(node: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if out.len() >= BUDGET {
            break;
        }
        out.push(n);
        let mut cursor = n.walk();
        let kids: Vec<_> = n.children(&mut cursor).collect();
        stack.extend(kids.into_iter().rev());
    }
    out
}

pub(crate) fn first_identifier<'s>(node: Node, src: &'s str) -> Option<&'s str> {
    descendants(node)
        .into_iter()
        .find(|n| n.kind() == "identifier")
        .map(|n| text(n, src))
}

/// The name of a function node, including `const f = () => ..` style bindings.
pub(crate) fn function_name(node: Node, src: &str) -> Option<String> {
    if let Some(name) = node.child_by_field_name("name") {
        return Some(text(name, src).to_string());
    }
    let parent = node.parent()?;
    let binding = match parent.kind() {
        "variable_declarator" | "pair" | "assignment_expression" | "field_definition"
            if parent
                .child_by_field_name("value")
                .or(parent.child_by_field_name("right"))
                == Some(node) =>
        {
            ["name", "key", "left", "property"]
                .iter()
                .find_map(|f| parent.child_by_field_name(f))?
        }
        _ => return None,
    };
    let name = text(binding, src)
        .rsplit('.')
        .next()
        .unwrap_or("")
        .trim_matches(['"', '\'']);
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    plain.then(|| name.to_string())
}

pub(crate) struct Param<'t, 's> {
    pub name: &'s str,
    pub type_node: Option<Node<'t>>,
    /// Rust `x: &mut T`.
    pub mut_ref: bool,
}

/// Parameters except the receiver (`self`, `cls`, `this`).
pub(crate) fn params<'t, 's>(function: Node<'t>, src: &'s str) -> Vec<Param<'t, 's>> {
    let list = match function
        .child_by_field_name("parameters")
        .or(function.child_by_field_name("parameter"))
    {
        Some(list) if list.kind() == "identifier" => {
            return vec![Param {
                name: text(list, src),
                type_node: None,
                mut_ref: false,
            }];
        }
        Some(list) => list,
        None => return Vec::new(),
    };
    let mut out = Vec::new();
    for p in named_children(list) {
        if matches!(
            p.kind(),
            "self_parameter" | "receiver_parameter" | "attribute_item"
        ) {
            continue;
        }
        let target = ["name", "pattern", "left"]
            .iter()
            .find_map(|f| p.child_by_field_name(f))
            .unwrap_or(p);
        let name = if target.kind() == "identifier" {
            Some(text(target, src))
        } else {
            first_identifier(target, src)
        };
        let Some(name) = name.filter(|n| !matches!(*n, "self" | "cls")) else {
            continue;
        };
        let type_node = p.child_by_field_name("type");
        let mut_ref = p.kind() == "parameter"
            && type_node.is_some_and(|t| {
                t.kind() == "reference_type"
                    && named_children(t)
                        .iter()
                        .any(|c| c.kind() == "mutable_specifier")
            });
        out.push(Param {
            name,
            type_node,
            mut_ref,
        });
    }
    out
}

/// The variable at the root of an assignment target or receiver (`cache` in `cache[k].x`).
/// The flag is true when the root is a field reached through `this`/`self`/a class name.
pub(crate) fn target_root<'s>(node: Node, src: &'s str) -> Option<(&'s str, bool)> {
    let mut cur = node;
    for _ in 0..BUDGET {
        if cur.kind() == "identifier" {
            let name = text(cur, src);
            return (name != "self").then_some((name, false));
        }
        let object = member_object(cur)?;
        let class_name =
            object.kind() == "identifier" && text(object, src).starts_with(char::is_uppercase);
        if is_self(object, src) || (cur.kind() == "field_access" && class_name) {
            return member_property(cur, src).map(|p| (p, true));
        }
        cur = object;
    }
    None
}

const NOT_COLLECTIONS: &[&str] = &[
    "range",
    "len",
    "enumerate",
    "zip",
    "reversed",
    "sorted",
    "list",
    "Object",
    "Math",
    "Array",
    "Some",
    "Ok",
    "self",
    "this",
];

/// What a loop header goes over: a parameter mentioned there if any, else the last variable.
pub(crate) fn collection_name(expr: Node, params: &[String], src: &str) -> Option<String> {
    let candidates: Vec<&str> = descendants(expr)
        .into_iter()
        .filter(|n| n.kind() == "identifier" && !is_callee_or_member_name(*n))
        .map(|n| text(n, src))
        .filter(|t| !NOT_COLLECTIONS.contains(t))
        .collect();
    let best = candidates
        .iter()
        .find(|c| params.iter().any(|p| p == *c))
        .or(candidates.last());
    best.map(|s| s.to_string())
}

fn is_callee_or_member_name(node: Node) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    let field = match parent.kind() {
        "call" | "call_expression" => "function",
        "attribute" => "attribute",
        "method_invocation" | "scoped_identifier" => "name",
        "field_access" => "field",
        _ => return false,
    };
    parent.child_by_field_name(field) == Some(node)
}

/// A handler body that does nothing: empty, or only `pass`, `...` or `continue`.
pub(crate) fn is_empty_body(body: Node) -> bool {
    named_children(body).iter().all(|s| match s.kind() {
        "pass_statement" | "continue_statement" | "empty_statement" => true,
        "expression_statement" => named_children(*s).iter().all(|e| e.kind() == "ellipsis"),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{Language, languages::ts_language};

    fn with_tree<R>(language: Language, src: &str, f: impl FnOnce(Node) -> R) -> R {
        let mut parser = tree_sitter::Parser::new();
        assert!(parser.set_language(&ts_language(language)).is_ok());
        let tree = parser
            .parse(src, None)
            .unwrap_or_else(|| panic!("parse failed"));
        f(tree.root_node())
    }

    fn find<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if n.kind() == kind {
                return Some(n);
            }
            let mut cursor = n.walk();
            let kids: Vec<_> = n.children(&mut cursor).collect();
            stack.extend(kids.into_iter().rev());
        }
        None
    }

    #[test]
    fn call_parts_split_receiver_and_name() {
        let src = "x = json.loads(s)\n";
        with_tree(Language::Python, src, |root| {
            let call = find(root, "call")
                .and_then(|n| call_parts(n, src))
                .unwrap_or_else(|| panic!("no call"));
            assert_eq!((call.name, call.callee), ("loads", "json.loads"));
            assert!(
                call.matches("json.loads") && call.matches(".loads") && !call.matches("json.load")
            );
        });
        let src = "class A { void f() { int n = Integer.parseInt(s); } }";
        with_tree(Language::Java, src, |root| {
            let call = find(root, "method_invocation").and_then(|n| call_parts(n, src));
            assert_eq!(call.map(|c| c.callee), Some("Integer.parseInt"));
        });
        let src = "fn f() { let n = std::fs::read_to_string(p); let m = s.parse::<i32>(); }";
        with_tree(Language::Rust, src, |root| {
            let call = find(root, "call_expression").and_then(|n| call_parts(n, src));
            assert!(call.is_some_and(|c| c.matches("fs::read_to_string") && c.receiver.is_none()));
        });
    }

    #[test]
    fn names_params_and_roots() {
        let src = "const add = (a, b = 2, ...rest) => a;\nthis.cache[k].x = 1;";
        with_tree(Language::JavaScript, src, |root| {
            let arrow = find(root, "arrow_function").unwrap_or_else(|| panic!("no arrow"));
            assert_eq!(function_name(arrow, src).as_deref(), Some("add"));
            let names: Vec<_> = params(arrow, src).iter().map(|p| p.name).collect();
            assert_eq!(names, ["a", "b", "rest"]);
            let left =
                find(root, "assignment_expression").and_then(|a| a.child_by_field_name("left"));
            assert_eq!(
                left.and_then(|l| target_root(l, src)),
                Some(("cache", true))
            );
        });
        let src = "fn f(&mut self, v: &mut Vec<i32>, n: usize) {}";
        with_tree(Language::Rust, src, |root| {
            let f = find(root, "function_item").unwrap_or_else(|| panic!("no fn"));
            let ps = params(f, src);
            assert_eq!(
                ps.iter().map(|p| (p.name, p.mut_ref)).collect::<Vec<_>>(),
                [("v", true), ("n", false)]
            );
        });
    }

    #[test]
    fn collection_prefers_parameters() {
        let src = "for i in range(len(nums)):\n    pass\n";
        with_tree(Language::Python, src, |root| {
            let right = find(root, "for_statement").and_then(|f| f.child_by_field_name("right"));
            let name = right.and_then(|r| collection_name(r, &[], src));
            assert_eq!(name.as_deref(), Some("nums"));
        });
        let src = "for (let j = 0; j < items.length; j++) {}";
        with_tree(Language::JavaScript, src, |root| {
            let cond = find(root, "for_statement").and_then(|f| f.child_by_field_name("condition"));
            let name = cond.and_then(|c| collection_name(c, &["items".to_string()], src));
            assert_eq!(name.as_deref(), Some("items"));
        });
    }

    #[test]
    fn short_collapses_and_cuts() {
        assert_eq!(short("a  .\n b"), "a . b");
        assert_eq!(short(&"x".repeat(100)).chars().count(), 40);
    }
}
