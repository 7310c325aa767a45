//! chapterhouse: a static-site generator for membership organisations with local chapters.
//!
//! The pipeline, one module per stage: [`source`] reads files, [`load`] turns them into a
//! typed [`model::Site`], [`plan`] decides every output, [`render`] produces bytes in
//! parallel, and [`output`] is the only writer. [`build`] wires them together.

pub mod build;
pub mod check;
pub mod clock;
pub mod diagnostics;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod render;
pub mod scaffold;
pub mod scaffold_ci;
pub mod serve;
pub mod source;
pub mod starter;
pub mod toml_data;

// The site's configuration and legal data are part of the model; these paths are kept.
pub use model::{config, legal};
