//! Per-language node-kind tables: which kinds are functions, loops, calls, try blocks, indexing.
//!
//! Kinds come from each grammar crate's `src/node-types.json`; the walk in `analysis.rs`
//! stays language-neutral by asking these tables what a node means.

use super::Language;

/// A loop construct: its node kind, the field naming what it iterates (if any), and the
/// fields evaluated once rather than per iteration (so `for x in sorted(xs)` is not "sort in loop").
pub(crate) struct LoopKind {
    pub kind: &'static str,
    pub collection: Option<&'static str>,
    pub once: &'static [&'static str],
}

const fn lp(
    kind: &'static str,
    collection: Option<&'static str>,
    once: &'static [&'static str],
) -> LoopKind {
    LoopKind {
        kind,
        collection,
        once,
    }
}

pub(crate) struct Grammar {
    /// Function-like nodes that may carry a name (directly or from the binding they initialise).
    pub functions: &'static [&'static str],
    /// Always-anonymous function nodes; treated as part of the enclosing function.
    pub lambdas: &'static [&'static str],
    pub loops: &'static [LoopKind],
    pub call: &'static str,
    pub conditionals: &'static [&'static str],
    pub returns: &'static [&'static str],
    pub tries: &'static [&'static str],
    pub handlers: &'static [&'static str],
    pub indexes: &'static [&'static str],
    pub assignments: &'static [&'static str],
    pub updates: &'static [&'static str],
    pub int_literals: &'static [&'static str],
    /// Methods whose function argument runs once per element (`xs.forEach(x => ..)`).
    pub callback_loops: &'static [&'static str],
    /// If set, a callback method only counts as a loop when its receiver mentions one of these,
    /// so `Option::map` or `Optional.map` are not mistaken for iteration.
    pub callback_receivers: Option<&'static [&'static str]>,
    pub mutators: &'static [&'static str],
    /// `.name` means a method on any receiver; otherwise the callee path (suffix match on `.`/`::`).
    pub sorters: &'static [&'static str],
    pub searches: &'static [&'static str],
    pub risky_calls: &'static [&'static str],
    /// Methods that read one element by position (`s.charAt(0)`).
    pub index_methods: &'static [&'static str],
    /// Property or method names whose use on a collection counts as a length/emptiness check.
    pub length_checks: &'static [&'static str],
}

#[rustfmt::skip]
const PYTHON: Grammar = Grammar {
    functions: &["function_definition"],
    lambdas: &["lambda"],
    loops: &[
        lp("for_statement", Some("right"), &["right"]),
        lp("while_statement", Some("condition"), &[]),
        lp("for_in_clause", Some("right"), &["right"]),
    ],
    call: "call",
    conditionals: &["if_statement", "conditional_expression", "match_statement", "boolean_operator"],
    returns: &["return_statement"],
    tries: &["try_statement"],
    handlers: &["except_clause"],
    indexes: &["subscript"],
    assignments: &["assignment", "augmented_assignment"],
    updates: &[],
    int_literals: &["integer"],
    callback_loops: &[],
    callback_receivers: None,
    mutators: &[
        "append", "extend", "insert", "pop", "remove", "clear", "update", "add", "discard",
        "setdefault", "popitem", "sort", "reverse",
    ],
    sorters: &["sorted", ".sort"],
    searches: &[".index", ".count"],
    risky_calls: &[
        "int", "float", "open", "json.loads", "json.load", "requests.get", "requests.post",
        "urlopen", "datetime.strptime",
    ],
    index_methods: &[],
    length_checks: &["len"],
};

#[rustfmt::skip]
const JAVASCRIPT: Grammar = Grammar {
    functions: &[
        "function_declaration", "generator_function_declaration", "method_definition",
        "function_expression", "generator_function", "arrow_function",
    ],
    lambdas: &[],
    loops: &[
        lp("for_statement", Some("condition"), &["initializer"]),
        lp("for_in_statement", Some("right"), &["right", "left"]),
        lp("while_statement", Some("condition"), &[]),
        lp("do_statement", Some("condition"), &[]),
    ],
    call: "call_expression",
    conditionals: &["if_statement", "ternary_expression", "switch_statement"],
    returns: &["return_statement"],
    tries: &["try_statement"],
    handlers: &["catch_clause"],
    indexes: &["subscript_expression"],
    assignments: &["assignment_expression", "augmented_assignment_expression"],
    updates: &["update_expression"],
    int_literals: &["number"],
    callback_loops: &[
        "forEach", "map", "filter", "reduce", "reduceRight", "some", "every", "find", "findIndex",
        "flatMap",
    ],
    callback_receivers: None,
    mutators: &[
        "push", "pop", "shift", "unshift", "splice", "sort", "reverse", "set", "add", "delete",
        "clear", "fill",
    ],
    sorters: &[".sort", ".toSorted"],
    searches: &[".includes", ".indexOf", ".lastIndexOf"],
    risky_calls: &[
        "JSON.parse", "parseInt", "parseFloat", "fetch", "readFileSync", "Number.parseInt",
        "Number.parseFloat",
    ],
    index_methods: &["charAt", "charCodeAt"],
    length_checks: &["length"],
};

#[rustfmt::skip]
const RUST: Grammar = Grammar {
    functions: &["function_item"],
    lambdas: &["closure_expression"],
    loops: &[
        lp("for_expression", Some("value"), &["value", "pattern"]),
        lp("while_expression", Some("condition"), &[]),
        lp("loop_expression", None, &[]),
    ],
    call: "call_expression",
    conditionals: &["if_expression", "match_expression"],
    returns: &["return_expression"],
    tries: &[],
    handlers: &[],
    indexes: &["index_expression"],
    assignments: &["assignment_expression", "compound_assignment_expr"],
    updates: &[],
    int_literals: &["integer_literal"],
    callback_loops: &[
        "for_each", "map", "filter", "filter_map", "flat_map", "any", "all", "find", "position",
        "fold",
    ],
    callback_receivers: Some(&[
        "iter", "chars", "bytes", "lines", "windows", "chunks", "keys", "values", "split",
    ]),
    mutators: &[
        "push", "push_str", "insert", "remove", "clear", "pop", "extend", "append", "truncate",
        "retain", "sort", "sort_unstable", "swap", "drain", "dedup", "reverse", "resize",
    ],
    sorters: &[
        ".sort", ".sort_unstable", ".sort_by", ".sort_by_key", ".sort_unstable_by",
        ".sort_unstable_by_key",
    ],
    searches: &[".contains"],
    risky_calls: &[
        "File::open", "File::create", "fs::read_to_string", "fs::read", "fs::write",
        "serde_json::from_str", ".parse", ".read_line", ".read_to_string",
    ],
    index_methods: &[],
    length_checks: &["len", "is_empty"],
};

#[rustfmt::skip]
const JAVA: Grammar = Grammar {
    functions: &["method_declaration", "constructor_declaration"],
    lambdas: &["lambda_expression"],
    loops: &[
        lp("for_statement", Some("condition"), &["init"]),
        lp("enhanced_for_statement", Some("value"), &["value", "type", "name"]),
        lp("while_statement", Some("condition"), &[]),
        lp("do_statement", Some("condition"), &[]),
    ],
    call: "method_invocation",
    conditionals: &["if_statement", "ternary_expression", "switch_expression"],
    returns: &["return_statement"],
    tries: &["try_statement", "try_with_resources_statement"],
    handlers: &["catch_clause"],
    indexes: &["array_access"],
    assignments: &["assignment_expression"],
    updates: &["update_expression"],
    int_literals: &["decimal_integer_literal"],
    callback_loops: &[
        "forEach", "map", "filter", "anyMatch", "allMatch", "noneMatch", "removeIf", "flatMap",
    ],
    callback_receivers: Some(&["stream", "forEach", "removeIf"]),
    mutators: &[
        "add", "addAll", "put", "putAll", "remove", "clear", "set", "push", "pop", "offer", "poll",
    ],
    sorters: &["Collections.sort", "Arrays.sort", ".sort"],
    searches: &[".contains", ".indexOf"],
    risky_calls: &[
        "Integer.parseInt", "Long.parseLong", "Double.parseDouble", "Float.parseFloat",
        "Integer.valueOf", "Files.readAllLines", "Files.readString", "Files.readAllBytes",
        "Files.lines",
    ],
    index_methods: &["charAt", "get"],
    length_checks: &["length", "size", "isEmpty"],
};

pub(crate) fn grammar(language: Language) -> &'static Grammar {
    match language {
        Language::Python => &PYTHON,
        Language::JavaScript => &JAVASCRIPT,
        Language::Rust => &RUST,
        Language::Java => &JAVA,
    }
}

pub(crate) fn ts_language(language: Language) -> tree_sitter::Language {
    match language {
        Language::Python => tree_sitter_python::LANGUAGE.into(),
        Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Language::Rust => tree_sitter_rust::LANGUAGE.into(),
        Language::Java => tree_sitter_java::LANGUAGE.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tree_sitter::Node;

    fn parse(language: Language, src: &str) -> tree_sitter::Tree {
        let mut parser = tree_sitter::Parser::new();
        assert!(parser.set_language(&ts_language(language)).is_ok());
        parser
            .parse(src, None)
            .unwrap_or_else(|| panic!("parse failed"))
    }

    fn first_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
        if node.kind() == kind {
            return Some(node);
        }
        let mut cursor = node.walk();
        let children: Vec<_> = node.children(&mut cursor).collect();
        children.into_iter().find_map(|c| first_of_kind(c, kind))
    }

    #[test]
    fn every_grammar_loads() {
        for language in Language::ALL {
            let mut parser = tree_sitter::Parser::new();
            assert!(
                parser.set_language(&ts_language(language)).is_ok(),
                "{language:?}"
            );
        }
    }

    #[test]
    fn every_table_kind_exists_in_its_grammar() {
        for language in Language::ALL {
            let g = grammar(language);
            let ts = ts_language(language);
            let loops: Vec<&str> = g.loops.iter().map(|l| l.kind).collect();
            let tables = [
                g.functions,
                g.lambdas,
                &loops,
                &[g.call],
                g.conditionals,
                g.returns,
                g.tries,
                g.handlers,
                g.indexes,
                g.assignments,
                g.updates,
                g.int_literals,
            ];
            for kind in tables.iter().flat_map(|t| t.iter()) {
                assert_ne!(ts.id_for_node_kind(kind, true), 0, "{language:?}: {kind}");
            }
            for l in g.loops {
                for field in l.collection.iter().chain(l.once) {
                    assert!(
                        ts.field_id_for_name(field).is_some(),
                        "{language:?}: {field}"
                    );
                }
            }
        }
    }

    #[test]
    fn loop_tables_use_real_node_kinds() {
        let cases = [
            (
                Language::Python,
                "for x in xs:\n    pass\n",
                "for_statement",
            ),
            (
                Language::JavaScript,
                "for (const x of xs) {}",
                "for_in_statement",
            ),
            (
                Language::Rust,
                "fn f() { for x in xs {} }",
                "for_expression",
            ),
            (
                Language::Java,
                "class A { void f() { for (int x : xs) {} } }",
                "enhanced_for_statement",
            ),
        ];
        for (language, src, kind) in cases {
            let tree = parse(language, src);
            assert!(
                first_of_kind(tree.root_node(), kind).is_some(),
                "{language:?}"
            );
            assert!(grammar(language).loops.iter().any(|l| l.kind == kind));
        }
    }
}
