//! `watch` and `serve`: rebuild on change, and serve the output with live reload.

pub mod http;
pub mod watch;

pub use watch::{Rebuild, Watcher, watch};
