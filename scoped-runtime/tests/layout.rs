//! The runtime's layout, checked: the arrows the design forbids do not exist (DESIGN.md,
//! "Many services"; docs/layout.md).
//!
//! - the core (scopes, identifiers, the key and sort codecs, names, IAM policies, errors,
//!   credentials) imports no service module;
//! - `client/` and `factory/` import no service module, and `client/` does not import
//!   `factory/`;
//! - a service module imports no other service module;
//! - the key codec (`key`, `segment`, `sort/`) does not import `scope`;
//! - only the core's STS layer (`credentials/`) names an AWS SDK crate.
//!
//! Test modules (`#[cfg(test)] mod tests;` files and `mod tests { … }` blocks) are exempt:
//! they may build scopes and service values to test the layer they sit in.
#![allow(
    clippy::panic,
    clippy::expect_used,
    reason = "a test reports what it finds"
)]

use std::fs;
use std::path::{Path, PathBuf};

const SERVICES: [&str; 4] = ["dynamodb", "s3", "sqs", "sns"];

/// The core's modules: files and directories directly under `src/`.
const CORE: [&str; 11] = [
    "scope.rs",
    "ident.rs",
    "key.rs",
    "kind.rs",
    "segment.rs",
    "sort",
    "role.rs",
    "error",
    "naming",
    "messaging",
    "iam",
];

/// The key codec: it must not know the scopes.
const CODEC: [&str; 3] = ["key.rs", "segment.rs", "sort"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `path` (or `path` itself), test files excluded.
fn files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_owned()];
    }
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(path) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name == "tests" || name == "tests.rs" || name.ends_with("_tests.rs") {
            continue;
        }
        if path.is_dir() || name.ends_with(".rs") {
            out.extend(files(&path));
        }
    }
    out
}

/// The file's code outside its inline test module.
fn code(path: &Path) -> String {
    let text = fs::read_to_string(path).expect("a source file is readable");
    let at = [
        "#[cfg(test)]\nmod tests {",
        "#[cfg(test)]\npub(crate) mod tests {",
    ]
    .iter()
    .filter_map(|start| text.find(start))
    .min();
    match at {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// The `crate::…` modules `path` names, as `(line, module)`.
fn crate_paths(path: &Path) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in code(path).lines().enumerate() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let tail = &rest[at + "crate::".len()..];
            let module: String = tail
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.push((n + 1, module));
            rest = tail;
        }
    }
    out
}

fn violations(paths: &[&str], forbidden: &[&str], rule: &str) -> Vec<String> {
    let mut found = Vec::new();
    for path in paths {
        for file in files(&src().join(path)) {
            for (line, module) in crate_paths(&file) {
                if forbidden.contains(&module.as_str()) {
                    found.push(format!(
                        "{}:{line}: `crate::{module}` ({rule})",
                        file.display()
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn the_core_imports_no_service() {
    let found = violations(&CORE, &SERVICES, "the core knows no service");
    assert!(found.is_empty(), "{found:#?}");
    let found = violations(&["credentials"], &SERVICES, "the core knows no service");
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn client_and_factory_import_no_service_and_client_no_factory() {
    let found = violations(
        &["client", "factory"],
        &SERVICES,
        "one client type for all services",
    );
    assert!(found.is_empty(), "{found:#?}");
    let found = violations(
        &["client"],
        &["factory"],
        "the client does not know the factory",
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn services_import_no_other_service() {
    let mut found = Vec::new();
    for service in SERVICES {
        let others: Vec<&str> = SERVICES.into_iter().filter(|s| *s != service).collect();
        found.extend(violations(
            &[service],
            &others,
            "services never import each other",
        ));
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_key_codec_does_not_import_the_scopes() {
    let found = violations(&CODEC, &["scope"], "key -> scope is forbidden");
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn only_the_sts_layer_of_the_core_names_an_sdk() {
    let mut found = Vec::new();
    for path in CORE.iter().chain(["client", "factory"].iter()) {
        for file in files(&src().join(path)) {
            for (n, line) in code(&file).lines().enumerate() {
                let service_sdk = [
                    "aws_sdk_dynamodb",
                    "aws_sdk_s3",
                    "aws_sdk_sqs",
                    "aws_sdk_sns",
                ]
                .iter()
                .any(|sdk| line.contains(sdk));
                if service_sdk {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    for file in files(&src().join("error"))
        .into_iter()
        .chain(files(&src().join("naming")))
        .chain(files(&src().join("iam")))
        .chain(files(&src().join("key.rs")))
        .chain(files(&src().join("scope.rs")))
    {
        for (n, line) in code(&file).lines().enumerate() {
            if line.contains("aws_sdk_") || line.contains("aws_smithy") {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

/// The checks above would pass on an empty tree: make sure they read the real one.
#[test]
fn the_checks_see_the_sources() {
    let core_files: usize = CORE.iter().map(|p| files(&src().join(p)).len()).sum();
    assert!(
        core_files >= 15,
        "only {core_files} core files found under {}",
        src().display()
    );
    let client = crate_paths(&src().join("client/mod.rs"));
    assert!(
        client.iter().any(|(_, module)| module == "scope"),
        "client/mod.rs names crate::scope, so the scanner must see it: {client:?}"
    );
}
