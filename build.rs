//! Compiles the built-in crumb patterns (`src/crumbs/patterns.rs`) into DFAs that ship
//! inside the binary, so a run loads them (≈ 1 ms) instead of compiling them (≈ 6 ms
//! of CPU, most of a small run's start-up). Each is a minimised DFA, sparse or dense as
//! its definition says, in the target's byte order, written to `$OUT_DIR/{name}.dfa`.

#[allow(dead_code)]
#[path = "src/crumbs/patterns.rs"]
mod patterns;

use regex_automata::dfa::{dense, StartKind};
use regex_automata::MatchKind;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/crumbs/patterns.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let big_endian = std::env::var("CARGO_CFG_TARGET_ENDIAN").as_deref() == Ok("big");
    for automaton in patterns::all() {
        let start = if automaton.anchored {
            StartKind::Anchored
        } else {
            StartKind::Unanchored
        };
        // Every match of every pattern, as `RegexSet::matches` reports them; the same
        // syntax and UTF-8 settings as the `regex` crate's defaults.
        let dense = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .match_kind(MatchKind::All)
                    .start_kind(start)
                    .minimize(true),
            )
            .build_many(&automaton.patterns)
            .unwrap_or_else(|e| panic!("built-in pattern {}: {e}", automaton.name));
        let bytes = if automaton.dense {
            // Serialised with leading padding that aligns the table in the vector; the
            // crate aligns the file itself when it includes it.
            let (bytes, padding) = if big_endian {
                dense.to_bytes_big_endian()
            } else {
                dense.to_bytes_little_endian()
            };
            bytes[padding..].to_vec()
        } else {
            let sparse = dense
                .to_sparse()
                .unwrap_or_else(|e| panic!("built-in pattern {}: {e}", automaton.name));
            if big_endian {
                sparse.to_bytes_big_endian()
            } else {
                sparse.to_bytes_little_endian()
            }
        };
        let path = out.join(format!("{}.dfa", automaton.name));
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }
}
