//! # Moments engine
//!
//! The pure half of Moments: it reads a rule bundle, takes in observations of a shopper
//! ([`Input`], each with a [`Time`]), keeps the context conditions read, recognises signals,
//! micro-moments and abandonment, decides which rules fire, and answers with [`Effect`]s for the
//! page to apply. It does no I/O, reads no clock and draws no random numbers: time and randomness
//! come in as arguments, so a journey replays identically in the CLI, in Node and in the browser.
//!
//! - sensing: [`input`], [`sensing`], [`journey`]
//! - deciding: [`bundle`], [`settings`], [`condition`], [`decide`]
//! - acting (what to apply, safely): [`action`], [`template`], [`sanitize`]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![deny(missing_docs)]

pub mod action;
pub mod bundle;
pub mod condition;
pub mod decide;
pub mod engine;
pub mod ga4;
pub mod hash;
pub mod input;
pub mod journey;
pub mod json;
pub mod problem;
pub mod sanitize;
pub mod sensing;
pub mod settings;
pub mod small;
pub mod template;
pub mod unicode;

pub use engine::{Effect, Engine};
pub use input::{Input, Time};
pub use json::Value;
pub use problem::{Problem, Severity};
