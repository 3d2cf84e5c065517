//! End-to-end checks of `analyze` and `questions` on small programs in every language.

mod javascript;
mod python;
mod rust_java;

use super::*;

pub(super) fn run(language: Language, src: &str) -> CodeAnalysis {
    analyze(language, src).unwrap_or_else(|e| panic!("{language:?}: {e}"))
}

pub(super) fn of(a: &CodeAnalysis, kind: FindingKind) -> Vec<&Finding> {
    a.findings.iter().filter(|f| f.kind == kind).collect()
}

pub(super) fn only(a: &CodeAnalysis, kind: FindingKind) -> &Finding {
    let found = of(a, kind);
    assert_eq!(found.len(), 1, "{kind:?} in {:#?}", a.findings);
    found[0]
}

pub(super) fn idents(a: &CodeAnalysis, kind: FindingKind) -> Vec<&str> {
    of(a, kind)
        .iter()
        .filter_map(|f| f.identifier.as_deref())
        .collect()
}

#[test]
fn syntax_errors_are_counted_not_fatal() {
    let cases = [
        (
            Language::Python,
            "def f(xs:\n    for x in xs\n        for y in xs:\n            pass\n",
        ),
        (
            Language::JavaScript,
            "function f(xs) { for (const x of xs) { for (const y of xs) { } }\n",
        ),
        (
            Language::Rust,
            "fn f(xs: &[i32] { for x in xs { for y in xs { } } }",
        ),
        (
            Language::Java,
            "class A { void f(int[] xs) { for (int x : xs) { for (int y : xs) { } } }",
        ),
    ];
    for (language, src) in cases {
        let a = run(language, src);
        assert!(a.syntax_errors > 0, "{language:?}");
    }
    let clean = run(Language::Python, python::PAIRS);
    assert_eq!(clean.syntax_errors, 0);
    assert!(run(Language::Rust, "").findings.is_empty());
}

#[test]
fn large_and_deep_inputs_do_not_panic() {
    let big = python::PAIRS.repeat(200_000 / python::PAIRS.len() + 1);
    assert!(big.len() >= 200_000);
    let a = run(Language::Python, &big);
    assert!(!a.findings.is_empty() && a.functions.len() > 500);
    let deep = format!("x = {}1{}", "[".repeat(100_000), "]".repeat(100_000));
    run(Language::Python, &deep);
    let deep_js = format!("f({}0{});", "(".repeat(100_000), ")".repeat(100_000));
    run(Language::JavaScript, &deep_js);
    let nested_loops = format!(
        "fn f(xs: &[u8]) {{ {} }}",
        "for x in xs { ".repeat(5_000) + &"}".repeat(5_000)
    );
    let a = run(Language::Rust, &nested_loops);
    assert!(a.functions[0].max_loop_depth > 100);
}

#[test]
fn every_question_names_code_and_ends_with_a_question_mark() {
    let samples = [
        (Language::Python, python::PAIRS),
        (
            Language::Python,
            "counter = 0\ndef f(xs):\n    global counter\n    try:\n        return xs[0]\n    except:\n        pass\n",
        ),
        (
            Language::JavaScript,
            "let n = 0;\nfunction f(a) { n += a[0]; try { g(); } catch (e) {} for (const x of a) a.sort(); }",
        ),
        (
            Language::Rust,
            "fn f(v: &mut Vec<i32>) -> i32 { v.sort(); let x: i32 = \"1\".parse().unwrap(); f(v) + x }",
        ),
        (
            Language::Java,
            "class A { static int n; void f(List<Integer> xs) { for (int x : xs) { Collections.sort(xs); n++; } } }",
        ),
    ];
    for (language, src) in samples {
        let a = run(language, src);
        let qs = questions(&a);
        assert!(!qs.is_empty(), "{language:?}");
        for q in &qs {
            assert!(q.text.ends_with('?'), "{}", q.text);
            assert!(q.text.contains('`'), "{}", q.text);
            assert!(q.text.contains(&format!("line {}", q.line)), "{}", q.text);
        }
        let keys: std::collections::HashSet<_> = qs.iter().map(|q| q.key.as_str()).collect();
        assert_eq!(keys.len(), qs.len());
    }
}

#[test]
fn keys_survive_edits_that_move_lines() {
    let before = questions(&run(Language::Python, python::PAIRS));
    let after = questions(&run(
        Language::Python,
        &format!("import math\n\n{}", python::PAIRS),
    ));
    assert_eq!(before[0].key, after[0].key);
    assert_eq!(after[0].line, before[0].line + 2);
}

#[test]
fn clean_code_gets_one_generic_question() {
    let a = run(
        Language::Rust,
        "fn main() { println!(\"{}\", add(1, 2)); }\nfn add(a: i32, b: i32) -> i32 { a + b }\n",
    );
    let qs = questions(&a);
    assert_eq!(qs.len(), 1);
    assert_eq!(
        qs[0].text,
        "How does `add` handle empty or very large input?"
    );
    assert_eq!(qs[0].line, 2);
    assert!(questions(&run(Language::Python, "x = 1\n")).is_empty());
}
