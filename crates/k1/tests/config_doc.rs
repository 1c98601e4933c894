//! `docs/config.md` against the code: its full example is read as `k1 run --config` reads a file
//! (the run settings, every `[params]` entry and every `[[outputs]]` table), it sets every key
//! the config file has (a new key that the example lacks fails to compile here), and every key it
//! sets has a row in the doc's table of keys.

use std::path::PathBuf;

use k1_api::store::RunFile;
use k1_core::params::Params;
use k1_core::render::PatternId;

fn doc() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/config.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of the first ```toml block after the heading `## A full example`.
fn example(doc: &str) -> String {
    let section = doc
        .split("## A full example")
        .nth(1)
        .expect("docs/config.md has no '## A full example' section");
    let start = section
        .find("```toml\n")
        .expect("no ```toml block in the example section")
        + "```toml\n".len();
    let len = section[start..]
        .find("\n```")
        .expect("the ```toml block does not end");
    section[start..start + len].to_string()
}

#[test]
fn the_full_example_parses_and_sets_every_key() {
    let doc = doc();
    let text = example(&doc);
    let file = RunFile::parse(&text).unwrap_or_else(|e| panic!("the example: {e}\n{text}"));
    assert!(
        file.unknown_keys().is_empty(),
        "keys K1 does not know: {:?}",
        file.unknown_keys()
    );
    // Every field by name: a key added to RunFile without a line in the example fails to compile
    // here, and one the example leaves out fails below.
    let RunFile {
        name,
        listen,
        http,
        mdns,
        cors_origins,
        auth,
        config_dir,
        persist,
        input,
        demo,
        fps,
        leds,
        pattern,
        playback,
        preview,
        params,
        other: _,
    } = file.clone();
    let set = [
        ("name", name.is_some()),
        ("listen", listen.is_some()),
        ("http", http.is_some()),
        ("mdns", mdns.is_some()),
        ("cors_origins", cors_origins.is_some()),
        ("auth", auth.is_some()),
        ("config_dir", config_dir.is_some()),
        ("persist", persist.is_some()),
        ("input", input.is_some()),
        ("demo", demo.is_some()),
        ("fps", fps.is_some()),
        ("leds", leds.is_some()),
        ("pattern", pattern.is_some()),
        ("playback", playback.is_some()),
        ("preview", preview.is_some()),
        ("[params]", !params.is_empty()),
    ];
    for (key, present) in set {
        assert!(present, "the full example does not set `{key}`");
        let row = format!("| `{key}` |");
        assert!(
            doc.contains(&row),
            "docs/config.md has no table row for `{key}`"
        );
    }
    assert!(
        doc.contains("| `[[outputs]]` |"),
        "no table row for [[outputs]]"
    );

    // The values are ones `k1 run` accepts: the pattern exists, every parameter sets (for that
    // pattern), every output resolves and fits the strip.
    let pattern = pattern.unwrap_or_default();
    let id = PatternId::find(&pattern).unwrap_or_else(|| panic!("no pattern '{pattern}'"));
    let mut p = Params::DEFAULT;
    for item in file.param_args() {
        let (k, v) = item.split_once('=').unwrap();
        p.set(k, v, id.info().custom)
            .unwrap_or_else(|e| panic!("[params] {item}: {e}"));
    }
    let leds = leds.unwrap_or(320) as usize;
    let outputs = k1_io::outputs::outputs_from_toml(&text).expect("[[outputs]]");
    assert!(!outputs.is_empty(), "the example has no [[outputs]] table");
    for table in &outputs {
        let spec = table
            .resolve()
            .unwrap_or_else(|e| panic!("{}: {e}", table.url));
        spec.range_for(leds)
            .unwrap_or_else(|e| panic!("{}: leds: {e}", table.url));
    }
}

#[test]
fn the_binary_reads_the_example_without_complaint() {
    // The same file through `k1 run --config`: its keys are checked (types, ranges, origins)
    // before the flags that describe stdin are, so `--format` without `--input -` is the first
    // and only error, and no key is reported as unknown.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k1.toml");
    std::fs::write(&path, example(&doc())).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_k1"))
        .args(["run", "--config"])
        .arg(&path)
        .args(["--format", "s16le"])
        .output()
        .expect("run k1");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--format, --input-rate and --channels describe raw PCM"),
        "{stderr}"
    );
    assert!(!stderr.contains("unknown key"), "{stderr}");
}
