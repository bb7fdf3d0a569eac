//! The JSON Schema that `moments schema` prints (bundle::schema()) against the bundles: it must
//! be a valid draft 2020-12 schema, accept every bundle the engine accepts (the valid corpus and
//! every shipped bundle), and reject every bundle of the corpus whose problem is one of shape
//! (tests/bundles/invalid/shape-*.json), as the engine does.

use std::path::{Path, PathBuf};

use moments_engine::bundle::{self, Bundle};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "json")).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&bundle::schema()).expect("the schema is JSON");
    assert!(jsonschema::meta::is_valid(&schema), "the schema is not a valid JSON Schema");
    jsonschema::draft202012::new(&schema).expect("the schema compiles")
}

fn errors(v: &jsonschema::Validator, instance: &serde_json::Value) -> Vec<String> {
    v.iter_errors(instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

#[test]
fn schema_accepts_every_bundle_the_engine_accepts() {
    let v = validator();
    let r = root();
    let mut files = json_files(&r.join("tests/bundles/valid"));
    files.extend(json_files(&r.join("www/bundles")));
    files.extend(json_files(&r.join("www/bundles/examples")));
    assert!(files.len() >= 8);
    let mut failures = String::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(Bundle::load(&text, None).is_ok(), "{} is refused by the engine", f.display());
        let instance: serde_json::Value = serde_json::from_str(&text).unwrap();
        let errs = errors(&v, &instance);
        if !errs.is_empty() {
            failures += &format!("{}:\n    {}\n", f.display(), errs.join("\n    "));
        }
    }
    assert!(failures.is_empty(), "the schema rejects bundles the engine accepts:\n{failures}");
}

#[test]
fn schema_rejects_the_shape_errors_the_engine_rejects() {
    let v = validator();
    let files: Vec<PathBuf> = json_files(&root().join("tests/bundles/invalid"))
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("shape-")))
        .collect();
    assert!(files.len() >= 40, "only {} shape cases", files.len());
    let mut accepted = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(Bundle::load(&text, None).is_err(), "{} loads in the engine", f.display());
        let instance: serde_json::Value = serde_json::from_str(&text).unwrap();
        if v.is_valid(&instance) {
            accepted.push(f.file_name().unwrap().to_string_lossy().to_string());
            continue;
        }
        // And for the same place: a schema error at or above one of the engine's error paths.
        let engine: Vec<String> = Bundle::load(&text, None)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|p| format!("/{}", p.path.replace('[', "/").replace(']', "").replace('.', "/")))
            .collect();
        let schema: Vec<String> = v.iter_errors(&instance).map(|e| e.instance_path().to_string()).collect();
        assert!(
            schema.iter().any(|s| engine.iter().any(|e| e.starts_with(s.as_str()))),
            "{}: schema errors at {schema:?}, engine errors at {engine:?}",
            f.display()
        );
    }
    assert!(accepted.is_empty(), "the schema accepts shape errors the engine refuses: {accepted:?}");
}

#[test]
fn schema_offers_completion_descriptions() {
    let schema: serde_json::Value = serde_json::from_str(&bundle::schema()).unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["additionalProperties"], false);
    for def in ["rule", "settings", "action", "prompt", "flow", "button"] {
        assert_eq!(schema["$defs"][def]["additionalProperties"], false, "{def}");
    }
    assert!(schema["$defs"]["settings"]["properties"]["consent"]["description"].is_string());
    assert_eq!(schema["$defs"]["prompt"]["properties"]["layout"]["enum"], serde_json::json!(["modal", "banner", "toast", "slide-in"]));
}

