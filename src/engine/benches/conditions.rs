//! Condition evaluation speed, side by side with GrowthBook's `evalCondition` (shared/peers).
//!
//! Compiles each of the 200 rules of `rules-growthbook.json` once, evaluates every (rule, context)
//! pair over the 1000 contexts of `contexts.json`, checks the match count (GrowthBook's: 4960) and
//! prints (rule, context) evaluations per second, median of 5 rounds after a warm-up.
//!
//! `cargo bench -p moments-engine --bench conditions`; the peers directory defaults to
//! `../shared/peers` beside the repository, or `MOMENTS_PEERS_DIR`. Each timed round runs the
//! whole grid `MOMENTS_BENCH_REPS` times (default 20). GrowthBook's number comes from
//! `node bench-conditions.mjs` in that directory (same grid, same median of 5).

use moments_engine::condition::Condition;
use moments_engine::Value;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const EXPECTED_MATCHES: usize = 4960;

fn load(dir: &std::path::Path, file: &str) -> Result<Value, String> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Value::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn main() -> ExitCode {
    let dir = std::env::var_os("MOMENTS_PEERS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/peers")));
    if !dir.join("rules-growthbook.json").exists() || !dir.join("contexts.json").exists() {
        println!("conditions bench: no peer data in {} (set MOMENTS_PEERS_DIR); skipped", dir.display());
        return ExitCode::SUCCESS;
    }
    let (rules, contexts) = match (load(&dir, "rules-growthbook.json"), load(&dir, "contexts.json")) {
        (Ok(r), Ok(c)) => (r, c),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("conditions bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (Some(rules), Some(contexts)) = (rules.as_array(), contexts.as_array()) else {
        eprintln!("conditions bench: rules and contexts must be arrays");
        return ExitCode::FAILURE;
    };

    let t0 = Instant::now();
    let mut problems = Vec::new();
    let compiled: Vec<Condition> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| Condition::compile(r.get("condition").unwrap_or(&Value::Null), &format!("[{i}].condition"), &mut problems))
        .collect();
    let compile_us = t0.elapsed().as_secs_f64() * 1e6;
    for p in &problems {
        eprintln!("problem: {p}");
    }

    let round = || {
        let mut matches = 0usize;
        for ctx in contexts {
            for c in &compiled {
                matches += usize::from(c.eval(black_box(ctx)));
            }
        }
        black_box(matches)
    };
    // Warm-up, then 5 timed rounds of the whole (rules x contexts) grid, repeated so that a round
    // lasts long enough to time well.
    let pairs = (rules.len() * contexts.len()) as f64;
    let mut matches = round();
    let reps: u32 = std::env::var("MOMENTS_BENCH_REPS").ok().and_then(|r| r.parse().ok()).unwrap_or(20).max(1);
    let mut rates = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        for _ in 0..reps {
            matches = round();
        }
        rates.push(pairs * f64::from(reps) / t.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    let median = rates[rates.len() / 2];

    println!("rules: {}, contexts: {}, compile: {compile_us:.0} µs for all rules", rules.len(), contexts.len());
    println!("matches: {matches} (GrowthBook: {EXPECTED_MATCHES})");
    println!("moments-engine Condition::eval: {median:.0} (rule, context) evaluations/s, median of 5");
    println!("  = {:.1} ns per evaluation", 1e9 / median);
    if matches != EXPECTED_MATCHES {
        eprintln!("conditions bench: {matches} matches, expected {EXPECTED_MATCHES}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
