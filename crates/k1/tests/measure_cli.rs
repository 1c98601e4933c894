//! The engine's measurement commands as a user runs them: `k1 latency`, `k1 soak` (short) and
//! `k1 bench cpu` (short). The tight targets belong to the commands themselves (run them by
//! hand: README); here the machine is two cores shared with the rest of the test suite, so the
//! bounds are generous, but each still fails if the engine loses clicks, tears a read, leaks,
//! misses a deadline on the virtual clock or panics.

mod common;

use common::k1;

/// The number after `label` in `text` (e.g. "p99 " -> 8.41 from "p99 8.41 ms").
fn number_after(text: &str, label: &str) -> f64 {
    let rest = &text[text
        .find(label)
        .unwrap_or_else(|| panic!("no {label:?} in:\n{text}"))
        + label.len()..]
        .trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(rest.len());
    rest[..end]
        .parse()
        .unwrap_or_else(|e| panic!("{e}: {label:?} in:\n{text}"))
}

/// The line of `text` that starts (after spaces) with `word`.
fn line<'a>(text: &'a str, word: &str) -> &'a str {
    text.lines()
        .find(|l| l.trim_start().starts_with(word))
        .unwrap_or_else(|| panic!("no {word:?} line in:\n{text}"))
}

/// `k1 latency` on the demo path (a paced in-memory source, the real threads): every click
/// answered, and p99 click->light within a generous 60 ms (the target, 10 ms, is the
/// command's own PASS/FAIL). Two attempts: one host stall must not fail CI.
#[test]
fn latency_answers_every_click_in_time() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let run = k1(&["latency", "--clicks", "20", "--interval", "150ms"]);
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        let pass = run.stdout.contains("  PASS  to-light");
        assert_eq!(run.code == 0, pass, "{}", run.stdout);
        let answered = line(&run.stdout, "responded");
        let light = line(&run.stdout, "to light");
        if answered.contains("20 of 20") && number_after(light, "p99 ") < 60.0 {
            let rendered = line(&run.stdout, "rendered");
            // The sink is woken by the render thread: the light follows the frame closely.
            assert!(number_after(rendered, "p50 ") <= number_after(light, "p50 "));
            return;
        }
        runs.push(run.stdout);
    }
    panic!("latency out of bounds twice:\n{}", runs.join("\n"));
}

#[test]
fn latency_rejects_bad_settings() {
    for args in [
        ["latency", "--interval", "10ms"],
        ["latency", "--threshold", "0"],
        ["latency", "--threshold", "2"],
    ] {
        let run = k1(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
}

/// The short soak CI can afford: a million frames and 200,000 hops of the real threads on the
/// virtual clock, with every criterion of the long one.
#[test]
fn a_short_soak_passes() {
    let run = k1(&["soak", "--frames", "1000000", "--hops", "200000"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    for criterion in [
        "PASS  frames",
        "PASS  hops",
        "PASS  resident memory growth",
        "PASS  torn reads 0 == 0",
        "PASS  deadline misses 0 == 0",
        "PASS  panics 0 == 0",
    ] {
        assert!(
            run.stdout.contains(criterion),
            "{criterion}:\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("soak passed"));
    let done = line(&run.stdout, "done");
    assert!(number_after(done, "done ") >= 1e6, "{done}");
}

/// `k1 bench cpu`, briefly: it measures, names the threads and judges against 5 %.
#[test]
fn bench_cpu_reports_the_share_of_a_core() {
    let run = k1(&["bench", "cpu", "--seconds", "2", "--warmup", "1"]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let process = line(&run.stdout, "process");
    let percent = number_after(process, "process ");
    // Generous: two busy cores; the 5 % target is the command's own verdict.
    assert!(percent > 0.0 && percent < 50.0, "{}", run.stdout);
    assert!(run.stdout.contains("k1-render"), "{}", run.stdout);
    assert!(run.stdout.contains("k1-audio"), "{}", run.stdout);
    let pass = run.stdout.contains("PASS  process CPU < 5 %");
    assert_eq!(run.code == 0, pass, "{}", run.stdout);
}
