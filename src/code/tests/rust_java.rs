//! Rust and Java: the statically typed languages.

use super::{idents, of, only, run};
use crate::code::*;

#[test]
fn rust_findings() {
    let src = "\
fn find_pairs(nums: &[i32], target: i32) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 0..nums.len() {
        for j in (i + 1)..nums.len() {
            if nums[i] + nums[j] == target { out.push((i, j)); }
        }
    }
    out
}
fn parse_port(s: &str) -> u16 { s.trim().parse().unwrap() }
static mut COUNTER: u32 = 0;
fn normalize(v: &mut Vec<f64>, n: usize) { v.push(n as f64); }
fn first(v: &[i32]) -> i32 { v[0] }
fn head(v: &[i32]) -> i32 { if v.is_empty() { return 0; } v[0] }
fn save(p: &str) { let _ = std::fs::write(p, \"x\"); }
";
    let a = run(Language::Rust, src);
    let nested = only(&a, FindingKind::NestedLoop);
    assert_eq!(
        (nested.line, nested.identifier.as_deref()),
        (4, Some("nums"))
    );
    let unwrap = only(&a, FindingKind::SwallowedError);
    assert_eq!(
        (unwrap.line, unwrap.identifier.as_deref()),
        (10, Some("s.trim().parse()"))
    );
    assert_eq!(idents(&a, FindingKind::SharedMutation), ["COUNTER", "v"]);
    assert_eq!(idents(&a, FindingKind::UnguardedIndex), ["v"]);
    assert_eq!(
        only(&a, FindingKind::UnguardedIndex).function.as_deref(),
        Some("first")
    );
    assert_eq!(idents(&a, FindingKind::NoErrorHandling), ["fs::write()"]);
    assert!(questions(&a).iter().any(|q| {
        q.text
            .starts_with("`COUNTER` is declared `static mut` on line 11.")
    }));
}

#[test]
fn rust_recursion_and_linear_search() {
    let src = "\
fn fact(n: u64) -> u64 { match n { 0 => 1, _ => n * fact(n - 1) } }
fn forever(n: u64) -> u64 { forever(n + 1) }
fn common(a: &[i32], b: Vec<i32>, seen: &HashSet<i32>) -> usize {
    a.iter().filter(|x| b.contains(x) && seen.contains(x)).count()
}
";
    let a = run(Language::Rust, src);
    let rec: Vec<_> = of(&a, FindingKind::Recursion)
        .iter()
        .map(|f| (f.line, f.detail.starts_with("no base")))
        .collect();
    assert_eq!(rec, [(1, false), (2, true)]);
    assert_eq!(idents(&a, FindingKind::LinearSearchInLoop), ["b"]);
}

#[test]
fn java_findings() {
    let src = "\
class Solution {
    static int calls = 0;
    int hits;
    String name;
    int[] twoSum(int[] nums, int target) {
        for (int i = 0; i < nums.length; i++) {
            for (int j = i + 1; j < nums.length; j++) {
                if (nums[i] + nums[j] == target) return new int[]{i, j};
            }
        }
        return new int[0];
    }
    int fib(int n) { if (n < 2) return n; return fib(n - 1) + fib(n - 2); }
    int parse(String s) {
        try { return Integer.parseInt(s); } catch (NumberFormatException e) { }
        return Integer.parseInt(s.trim());
    }
    void count() { calls++; hits += 1; }
    synchronized void hit() { hits++; }
    void setName(String name) { this.name = name; }
    char initial(String s) { return s.charAt(0); }
}
";
    let a = run(Language::Java, src);
    let nested = only(&a, FindingKind::NestedLoop);
    assert_eq!(
        (
            nested.line,
            nested.function.as_deref(),
            nested.identifier.as_deref()
        ),
        (7, Some("twoSum"), Some("nums"))
    );
    assert!(
        !only(&a, FindingKind::Recursion)
            .detail
            .starts_with("no base")
    );
    let swallowed = only(&a, FindingKind::SwallowedError);
    assert_eq!(
        (swallowed.line, swallowed.identifier.as_deref()),
        (15, Some("NumberFormatException"))
    );
    let errs: Vec<_> = of(&a, FindingKind::NoErrorHandling)
        .iter()
        .map(|f| (f.line, f.identifier.as_deref()))
        .collect();
    assert_eq!(errs, [(16, Some("Integer.parseInt()"))]);
    let shared: Vec<_> = of(&a, FindingKind::SharedMutation)
        .iter()
        .map(|f| (f.line, f.identifier.as_deref()))
        .collect();
    assert_eq!(shared, [(18, Some("calls")), (18, Some("hits"))]);
    assert_eq!(idents(&a, FindingKind::UnguardedIndex), ["s"]);
    assert!(
        questions(&a)
            .iter()
            .any(|q| q.text.contains("static field `calls`"))
    );
}

#[test]
fn java_array_guard_and_contains_in_loop() {
    let src = "\
class A {
    int first(int[] a) { return a[0]; }
    int safe(int[] a) { if (a.length == 0) return -1; return a[0]; }
    int overlap(List<Integer> xs, List<Integer> ys, Set<Integer> seen) {
        int n = 0;
        for (int x : xs) { if (ys.contains(x) || seen.contains(x)) n++; }
        return n;
    }
}
";
    let a = run(Language::Java, src);
    assert_eq!(idents(&a, FindingKind::UnguardedIndex), ["a"]);
    assert_eq!(
        only(&a, FindingKind::UnguardedIndex).function.as_deref(),
        Some("first")
    );
    assert_eq!(idents(&a, FindingKind::LinearSearchInLoop), ["ys"]);
}

#[test]
fn rust_guards_from_match_and_loop_headers() {
    let src = "\
fn max_pair(v: &[i32]) -> i32 {
    let mut best = v[0] + v[1];
    for i in 0..v.len() - 1 { best = best.max(v[i + 1]); }
    best
}
fn ends(v: &[i32]) -> i32 {
    match v.len() { 0 => 0, _ => v[0] }
}
";
    let a = run(Language::Rust, src);
    let found: Vec<_> = of(&a, FindingKind::UnguardedIndex)
        .iter()
        .map(|f| (f.line, f.function.as_deref()))
        .collect();
    assert_eq!(found, [(2, Some("max_pair"))]);
}
