//! JavaScript: loops and callbacks, recursion, indexing, promises, module state.

use super::{idents, of, run};
use crate::code::*;

#[test]
fn javascript_loops_and_callbacks() {
    let src = "\
function findPairs(nums, target) {
  const out = [];
  for (let i = 0; i < nums.length; i++) {
    for (let j = i + 1; j < nums.length; j++) {
      if (nums[i] + nums[j] === target) out.push([i, j]);
    }
  }
  return out;
}
const cross = (items) => items.forEach(a => {
  items.forEach(b => console.log(a, b));
});
";
    let a = run(Language::JavaScript, src);
    let found: Vec<_> = of(&a, FindingKind::NestedLoop)
        .iter()
        .map(|f| (f.line, f.function.as_deref(), f.identifier.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (4, Some("findPairs"), Some("nums")),
            (11, Some("cross"), Some("items"))
        ]
    );
    assert!(of(&a, FindingKind::SharedMutation).is_empty());
    assert_eq!(
        a.functions
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>(),
        ["findPairs", "cross"]
    );
}

#[test]
fn javascript_recursion_index_and_errors() {
    let a = run(
        Language::JavaScript,
        "const fact = (n) => n <= 1 ? 1 : n * fact(n - 1);\nfunction walk(node) {\n  walk(node.next);\n}\n",
    );
    let rec: Vec<_> = of(&a, FindingKind::Recursion)
        .iter()
        .map(|f| (f.line, f.detail.starts_with("no base")))
        .collect();
    assert_eq!(rec, [(1, false), (3, true)]);

    let src = "function last(arr) { return arr[arr.length - 1]; }\nfunction initial(s) { return s.charAt(0); }\nfunction safe(xs) { if (!xs.length) return null; return xs[0]; }\n";
    let a = run(Language::JavaScript, src);
    assert_eq!(idents(&a, FindingKind::UnguardedIndex), ["arr", "s"]);

    let src = "\
function load(text) {
  const cfg = JSON.parse(text);
  try { return JSON.parse(cfg.inner); } catch (e) {}
}
function num(s) { const n = parseInt(s, 10); if (Number.isNaN(n)) return 0; return n; }
function get(url) { return fetch(url).then(r => r.json()).catch(() => {}); }
";
    let a = run(Language::JavaScript, src);
    let errs: Vec<_> = of(&a, FindingKind::NoErrorHandling)
        .iter()
        .map(|f| (f.line, f.identifier.as_deref()))
        .collect();
    assert_eq!(errs, [(2, Some("JSON.parse()"))]);
    let swallowed: Vec<_> = of(&a, FindingKind::SwallowedError)
        .iter()
        .map(|f| f.line)
        .collect();
    assert_eq!(swallowed, [3, 6]);
}

#[test]
fn javascript_module_state_mutation() {
    let src = "\
let count = 0;
const cache = {};
function inc() { count++; }
function put(k, v) { cache[k] = v; }
function local() { let count = 1; count++; }
app.get('/', (req, res) => { cache.hits = 1; });
";
    let a = run(Language::JavaScript, src);
    let found: Vec<_> = of(&a, FindingKind::SharedMutation)
        .iter()
        .map(|f| (f.line, f.function.as_deref(), f.identifier.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (3, Some("inc"), Some("count")),
            (4, Some("put"), Some("cache")),
            (6, None, Some("cache"))
        ]
    );
}

#[test]
fn javascript_length_in_loop_header_does_not_guard_earlier_read() {
    let src = "\
function maxProfit(prices) {
  let min = prices[0];
  for (let i = 1; i < prices.length; i++) min = Math.min(min, prices[i]);
  return min;
}
function pairs(xs) {
  const n = xs.length;
  if (n === 0) return [];
  return [xs[0], xs[n - 1]];
}
function first(xs) { return xs && xs[0]; }
";
    let a = run(Language::JavaScript, src);
    let found: Vec<_> = of(&a, FindingKind::UnguardedIndex)
        .iter()
        .map(|f| (f.line, f.function.as_deref()))
        .collect();
    assert_eq!(found, [(2, Some("maxProfit"))]);
}
