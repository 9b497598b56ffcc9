//! The layers are held by the build, not by habit: the core crate cannot
//! depend on the protocol, JSON or async crates, not even through another
//! dependency. A new dependency that drags one of them into
//! `policy-core` fails here.

use std::process::Command;

/// Crates only the faces (server, CLI) may use.
const FACES_ONLY: &[&str] = &[
    "tokio",
    "tower-lsp-server",
    "serde_json",
    "tower",
    "futures",
];

#[test]
fn the_core_depends_on_no_protocol_json_or_async_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "--package",
            "policy-core",
            "--edges",
            "normal,build",
            "--prefix",
            "none",
            "--offline",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).expect("cargo tree prints UTF-8");
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(crates.contains(&"policy-core"), "{tree}");
    assert!(
        crates.contains(&"ropey"),
        "the tree lists the core's dependencies: {tree}"
    );
    for name in FACES_ONLY {
        assert!(
            !crates.contains(name),
            "policy-core depends on {name}, which only the server and the CLI may use:\n{tree}"
        );
    }
}
