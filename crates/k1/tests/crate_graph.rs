//! The workspace's crates depend on each other only down the data path (docs/architecture.md):
//! each crate has a layer in [`LAYERS`], and a dependency on another workspace crate must point
//! to a lower layer. Read from `cargo metadata`, so a line added to a Cargo.toml that points back
//! up (say `k1-io` on `k1-engine`) fails here, and so does a new crate nobody placed.

use std::collections::BTreeMap;
use std::process::Command;

/// Every workspace crate and its layer, lowest first. A normal or build dependency must be on a
/// strictly lower layer; a dev-dependency (tests, benches) on a layer no higher than its own.
const LAYERS: &[(&str, u32)] = &[
    // Leaves: no K1 crate below them. The no_std core, and the synthetic music for the demo
    // source and the tests.
    ("k1-core", 0),
    ("k1-synth", 0),
    // Scores of beats, tempo and onsets against ground truth, as mir_eval defines them.
    ("k1-eval", 0),
    // Audio in and light out on a host: sources, resampling, sinks, wire outputs, the clock.
    ("k1-io", 1),
    // Whole-file analysis and its reports; the live engine's threads. Siblings: neither uses
    // the other.
    ("k1-offline", 2),
    ("k1-engine", 2),
    // The HTTP/WebSocket API, the web UI and persistence, over a running engine.
    ("k1-api", 3),
    // The binary: argument parsing and the commands. Nothing may depend on it.
    ("k1", 4),
];

/// The kind of a dependency, as `cargo metadata` names it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Normal,
    Dev,
    Build,
}

/// `crate -> [(dependency, kind)]`, workspace crates only on both sides.
type Graph = BTreeMap<String, Vec<(String, Kind)>>;

/// Why the graph breaks the layering, one line each (empty when it does not).
fn violations(graph: &Graph, layers: &[(&str, u32)]) -> Vec<String> {
    let layer = |name: &str| layers.iter().find(|(n, _)| *n == name).map(|(_, l)| *l);
    let mut out = Vec::new();
    for (name, _) in layers {
        if !graph.contains_key(*name) {
            out.push(format!("{name} is in LAYERS but not in the workspace"));
        }
    }
    for (name, deps) in graph {
        let Some(own) = layer(name) else {
            out.push(format!(
                "{name} has no layer: add it to LAYERS in crates/k1/tests/crate_graph.rs and to \
                 the crate graph in docs/architecture.md"
            ));
            continue;
        };
        for (dep, kind) in deps {
            if dep == "k1" {
                out.push(format!("{name} depends on the k1 binary crate ({kind:?})"));
                continue;
            }
            let Some(theirs) = layer(dep) else {
                continue; // reported above, as a crate without a layer
            };
            let ok = match kind {
                Kind::Normal | Kind::Build => theirs < own,
                Kind::Dev => theirs <= own,
            };
            if !ok {
                out.push(format!(
                    "{name} (layer {own}) has a {kind:?} dependency on {dep} (layer {theirs}): \
                     dependencies must point down the data path"
                ));
            }
        }
    }
    out
}

/// The workspace's crates and their dependencies on each other, from `cargo metadata`.
fn workspace_graph() -> Graph {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml");
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .args(["--manifest-path", manifest])
        .output()
        .expect("running cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).expect("metadata JSON");
    let packages = meta["packages"].as_array().expect("packages");
    let names: Vec<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
    let mut graph = Graph::new();
    for p in packages {
        let name = p["name"].as_str().expect("package name");
        let deps = p["dependencies"]
            .as_array()
            .expect("dependencies")
            .iter()
            .filter_map(|d| {
                let dep = d["name"].as_str()?;
                if !names.contains(&dep) {
                    return None;
                }
                let kind = match d["kind"].as_str() {
                    None => Kind::Normal,
                    Some("dev") => Kind::Dev,
                    Some("build") => Kind::Build,
                    Some(other) => panic!("unknown dependency kind {other}"),
                };
                Some((dep.to_string(), kind))
            })
            .collect();
        graph.insert(name.to_string(), deps);
    }
    graph
}

#[test]
fn dependencies_point_down_the_data_path() {
    let graph = workspace_graph();
    assert!(graph.contains_key("k1-io"), "{graph:?}");
    let broken = violations(&graph, LAYERS);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn a_dependency_back_up_the_path_is_caught() {
    let mut graph = workspace_graph();
    assert!(violations(&graph, LAYERS).is_empty());
    graph
        .get_mut("k1-io")
        .unwrap()
        .push(("k1-engine".into(), Kind::Normal));
    let broken = violations(&graph, LAYERS);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert!(broken[0].starts_with("k1-io (layer 1) has a Normal dependency on k1-engine"));

    // Siblings on one layer may not use each other either.
    let mut graph = workspace_graph();
    graph
        .get_mut("k1-engine")
        .unwrap()
        .push(("k1-offline".into(), Kind::Normal));
    assert_eq!(violations(&graph, LAYERS).len(), 1);

    // Nothing depends on the binary, not even for its tests.
    let mut graph = workspace_graph();
    graph
        .get_mut("k1-api")
        .unwrap()
        .push(("k1".into(), Kind::Dev));
    assert_eq!(violations(&graph, LAYERS).len(), 1);

    // A crate nobody placed.
    let mut graph = workspace_graph();
    graph.insert("k1-new".into(), vec![("k1-core".into(), Kind::Normal)]);
    let broken = violations(&graph, LAYERS);
    assert!(
        broken.len() == 1 && broken[0].starts_with("k1-new has no layer"),
        "{broken:?}"
    );
}
