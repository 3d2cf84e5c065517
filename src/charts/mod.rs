//! Server-side SVG charts for candidate pages: growth across practice attempts, the
//! competencies of one interview and fluency over an interview.
//!
//! Charts are plain strings so they can be embedded in HTML without scripts, read by screen
//! readers (each has a title and a description in words, and every point or bar its own
//! tooltip) and compared byte for byte, since the same input always gives the same markup.
//! Elements carry stable classes (`point`, `series-N`, `line`, `band`, `bar`, `bar-row`, `no-evidence`; none shared with the page's own classes, whose rules would reach into the drawing)
//! for styling and for browser tests.

mod bars;
mod line;
mod svg;

pub use bars::{Bar, BarChart, bar_chart, bar_chart_height};
pub use line::{LineChart, Point, Series, line_chart};
