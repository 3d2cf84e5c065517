//! Python: loops, comprehensions, recursion, guards, errors, module state.

use super::{idents, of, only, run};
use crate::code::*;

pub(super) const PAIRS: &str = "\
def find_pairs(nums, target):
    pairs = []
    for i in range(len(nums)):
        for j in range(i + 1, len(nums)):
            if nums[i] + nums[j] == target:
                pairs.append((i, j))
    return pairs
";

#[test]
fn python_nested_loop_names_collection_and_lines() {
    let a = run(Language::Python, PAIRS);
    let f = only(&a, FindingKind::NestedLoop);
    assert_eq!(
        (f.line, f.function.as_deref(), f.identifier.as_deref()),
        (4, Some("find_pairs"), Some("nums"))
    );
    assert!(f.detail.contains("line 3"), "{}", f.detail);
    assert_eq!(a.functions[0].params, ["nums", "target"]);
    assert_eq!(a.functions[0].max_loop_depth, 2);
    assert_eq!(a.lines, 7);
    // `pairs` is local and `nums[i]` is an ordinary loop index.
    assert!(
        of(&a, FindingKind::SharedMutation).is_empty()
            && of(&a, FindingKind::UnguardedIndex).is_empty()
    );

    let q = &questions(&a)[0];
    assert_eq!(q.key, "nested_loop:find_pairs:nums");
    assert_eq!(
        q.text,
        "In `find_pairs`, the loop on line 4 runs inside the loop on line 3 over `nums`. \
         What is the time complexity, and how would it behave on a million elements?"
    );
}

#[test]
fn python_comprehensions_nest_but_headers_run_once() {
    let a = run(
        Language::Python,
        "pairs = [(a, b) for a in xs for b in ys]\nfor x in sorted(xs):\n    print(x)\n",
    );
    let f = only(&a, FindingKind::NestedLoop);
    assert_eq!(
        (f.line, f.function.as_deref(), f.identifier.as_deref()),
        (1, None, Some("ys"))
    );
    assert!(of(&a, FindingKind::SortInLoop).is_empty());
}

#[test]
fn python_recursion_with_and_without_base_case() {
    let a = run(
        Language::Python,
        "def countdown(n):\n    print(n)\n    countdown(n - 1)\n",
    );
    let f = only(&a, FindingKind::Recursion);
    assert_eq!((f.line, f.identifier.as_deref()), (3, Some("countdown")));
    assert!(f.detail.starts_with("no base case") && a.functions[0].recursive);

    let src = "def flatten(items):\n    if not items:\n        return []\n    head = items[0]\n    return [head] + flatten(items[1:])\n";
    let a = run(Language::Python, src);
    assert!(
        !only(&a, FindingKind::Recursion)
            .detail
            .starts_with("no base case")
    );
    assert!(
        of(&a, FindingKind::UnguardedIndex).is_empty(),
        "guarded by `not items`"
    );
    let q = &questions(&a)[0];
    assert_eq!(
        q.text,
        "`flatten` calls itself on line 5. What is the base case, and what happens with very deep nesting?"
    );
}

#[test]
fn python_unguarded_index() {
    let a = run(
        Language::Python,
        "def first_price(prices):\n    return prices[0]\n",
    );
    let f = only(&a, FindingKind::UnguardedIndex);
    assert_eq!((f.line, f.identifier.as_deref()), (2, Some("prices")));
    assert_eq!(
        questions(&a)[0].text,
        "On line 2 you read `prices[0]` — what happens if `prices` is empty?"
    );

    let a = run(
        Language::Python,
        "def last(xs):\n    return xs[len(xs) - 1]\n",
    );
    assert_eq!(
        idents(&a, FindingKind::UnguardedIndex),
        ["xs"],
        "len() inside the index is no guard"
    );
    let guarded = "def first(xs):\n    if len(xs) == 0:\n        return None\n    return xs[0]\n";
    assert!(of(&run(Language::Python, guarded), FindingKind::UnguardedIndex).is_empty());
    let local = "def f():\n    xs = [1]\n    return xs[0]\n";
    assert!(of(&run(Language::Python, local), FindingKind::UnguardedIndex).is_empty());
}

#[test]
fn python_error_handling() {
    let src = "def load_config(path):\n    with open(path) as f:\n        lines = f.read().splitlines()\n    port = int(lines[0])\n    return int(port * 2)\n";
    let a = run(Language::Python, src);
    let found: Vec<_> = of(&a, FindingKind::NoErrorHandling)
        .iter()
        .map(|f| (f.line, f.identifier.as_deref()))
        .collect();
    assert_eq!(found, [(2, Some("open()")), (4, Some("int()"))]);
    let texts: Vec<_> = questions(&a).into_iter().map(|q| q.text).collect();
    assert!(texts.contains(
        &"`load_config` calls `int()` on line 4 without handling a failure. What should happen if the input is malformed?".to_string()
    ));

    let a = run(
        Language::Python,
        "def f(s):\n    try:\n        return int(s)\n    except ValueError:\n        pass\n",
    );
    assert!(of(&a, FindingKind::NoErrorHandling).is_empty());
    assert_eq!(idents(&a, FindingKind::SwallowedError), ["ValueError"]);
    let a = run(
        Language::Python,
        "def g():\n    try:\n        risky()\n    except:\n        log()\n",
    );
    let f = only(&a, FindingKind::SwallowedError);
    assert!(f.line == 4 && f.identifier.is_none() && f.detail.contains("bare"));
}

#[test]
fn python_shared_mutation() {
    let src = "\
counter = 0
cache = {}
def bump():
    global counter
    counter += 1
def remember(key, value):
    cache[key] = value
def local_only():
    cache = {}
    cache['a'] = 1
";
    let a = run(Language::Python, src);
    let found: Vec<_> = of(&a, FindingKind::SharedMutation)
        .iter()
        .map(|f| (f.line, f.function.as_deref(), f.identifier.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (4, Some("bump"), Some("counter")),
            (7, Some("remember"), Some("cache"))
        ]
    );
    let texts: Vec<_> = questions(&a).into_iter().map(|q| q.text).collect();
    assert!(texts.contains(
        &"`remember` modifies the module-level `cache` on line 7. What could go wrong if two requests call it at the same time?".to_string()
    ));
}

#[test]
fn python_sort_and_search_in_loops() {
    let src = "def dedupe(items):\n    seen = []\n    for x in items:\n        if x not in seen:\n            seen.append(x)\n            seen = sorted(seen)\n    return seen\n";
    let a = run(Language::Python, src);
    assert_eq!(only(&a, FindingKind::LinearSearchInLoop).line, 4);
    assert_eq!(
        only(&a, FindingKind::SortInLoop).identifier.as_deref(),
        Some("seen")
    );
    let hashed = "def dedupe(items):\n    seen = set()\n    for x in items:\n        if x not in seen:\n            seen.add(x)\n";
    assert!(
        of(
            &run(Language::Python, hashed),
            FindingKind::LinearSearchInLoop
        )
        .is_empty()
    );
}

#[test]
fn python_guards_depend_on_where_the_length_check_is() {
    let src = "\
def max_profit(prices):
    low = prices[0]
    for i in range(1, len(prices)):
        low = min(low, prices[i])
    return low

def increasing(nums):
    for i in range(len(nums) - 1):
        if nums[i + 1] < nums[i]:
            return False
    return True

def second(nums):
    n = len(nums)
    if n < 2:
        return None
    return nums[1]

def peek(stack):
    return stack[-1] if stack else None

def head(xs):
    return xs and xs[0]
";
    let a = run(Language::Python, src);
    // A loop header bounds reads inside that loop only, not a read before it.
    let found: Vec<_> = of(&a, FindingKind::UnguardedIndex)
        .iter()
        .map(|f| (f.line, f.function.as_deref()))
        .collect();
    assert_eq!(found, [(2, Some("max_profit"))]);
}
