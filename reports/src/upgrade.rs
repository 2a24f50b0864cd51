//! Older results files, read by today's code: each schema version's changes are undone here,
//! on the JSON, so the rest of the code knows only the current model.

use plugbench_data::{Guard, GuestBuild, NativeBuild, StopReason};
use serde_json::{json, Value};

use crate::model::SCHEMA_VERSION;

/// Why a JSON document cannot be read as a results file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("it has no `schema` version, so it was not written by plugbench")]
    NoSchema,
    #[error("it was written by a newer plugbench (schema {0}); this one reads schemas 1 to {SCHEMA_VERSION}")]
    Newer(u64),
    #[error("it names no workload (`groups` is empty)")]
    NoWorkload,
    #[error("{0}")]
    Shape(#[from] serde_json::Error),
}

/// Brings a results file of any version this plugbench knows to the current schema.
pub fn to_current(mut run: Value) -> Result<Value, ReadError> {
    let version = run
        .get("schema")
        .and_then(Value::as_u64)
        .ok_or(ReadError::NoSchema)?;
    if version > u64::from(SCHEMA_VERSION) {
        return Err(ReadError::Newer(version));
    }
    if version == 1 {
        from_v1(&mut run);
    }
    if version < 3 {
        from_v2(&mut run);
    }
    if version < 6 {
        from_v5(&mut run);
    }
    if version < 10 {
        typed_rows(&mut run);
    }
    if run["groups"].as_array().is_none_or(Vec::is_empty) {
        return Err(ReadError::NoWorkload);
    }
    run["schema"] = json!(SCHEMA_VERSION);
    Ok(run)
}

/// Version 6 changed two things.
fn from_v5(run: &mut Value) {
    groups_from_settings(run);
    typed_native_libraries(run);
}

/// Before version 6 the settings carried the first workload (kernel, size and how its sampling
/// went), and `settings.groups` listed every workload only when there were several.
fn groups_from_settings(run: &mut Value) {
    let Some(settings) = run.get_mut("settings").and_then(Value::as_object_mut) else {
        return;
    };
    let listed = settings
        .remove("groups")
        .filter(|g| g.as_array().is_some_and(|g| !g.is_empty()));
    let first = json!({
        "kernel": settings.remove("kernel").unwrap_or(json!("")),
        "size": settings.remove("size").unwrap_or(json!(0)),
        "rounds": settings.remove("rounds").unwrap_or(json!(0)),
        "stop_reason": settings
            .remove("stop_reason")
            .unwrap_or(json!(StopReason::default().as_str())),
        "elapsed_s": settings.get("elapsed_s").cloned().unwrap_or(json!(0.0)),
    });
    run["groups"] = listed.unwrap_or_else(|| json!([first]));
}

/// Before version 6 a native library was `[runtime, vectorized]`: there were two builds.
fn typed_native_libraries(run: &mut Value) {
    let Some(libraries) = run
        .pointer_mut("/environment/native_libraries")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for library in libraries {
        let build = match library[1].as_bool() {
            Some(true) => NativeBuild::Default,
            _ => NativeBuild::NotVectorized,
        };
        *library = json!({"runtime": library[0], "build": build.as_str()});
    }
}

/// Before version 10 a row's configuration and guard were in its name (`wasmtime+fuel`), and a
/// gap variant was known by the name the environment gave it (`simd`, `shared_module`).
fn typed_rows(run: &mut Value) {
    // `simd` entries are `{runtime, variant}`, `shared_module` entries `[runtime, variant]`.
    let variants = |list: &str| -> Vec<(String, String)> {
        let entries = run.pointer(&format!("/environment/{list}"));
        let pair = |entry: &Value| -> Option<(String, String)> {
            let (runtime, variant) = match entry {
                Value::Array(pair) => (pair.first()?, pair.get(1)?),
                entry => (entry.get("runtime")?, entry.get("variant")?),
            };
            Some((runtime.as_str()?.into(), variant.as_str()?.into()))
        };
        entries
            .and_then(Value::as_array)
            .map(|e| e.iter().filter_map(pair).collect())
            .unwrap_or_default()
    };
    let builds: Vec<(GuestBuild, (String, String))> = (variants("simd").into_iter())
        .map(|pair| (GuestBuild::Simd, pair))
        .chain(
            variants("shared_module")
                .into_iter()
                .map(|pair| (GuestBuild::Shared, pair)),
        )
        .collect();
    let Some(results) = run.get_mut("results").and_then(Value::as_array_mut) else {
        return;
    };
    for result in results {
        let name = result["runtime"].as_str().unwrap_or_default().to_string();
        let (configuration, guard) = Guard::split(&name);
        let built = builds.iter().find(|(_, (_, variant))| *variant == name);
        result["configuration"] = json!(built.map_or(configuration, |(_, (r, _))| r.as_str()));
        result["guard"] = json!(guard);
        result["guest_build"] = json!(built.map(|(build, _)| build));
    }
}

/// Before version 3 every baseline was the native build, which was not marked apart.
fn from_v2(run: &mut Value) {
    let Some(results) = run.get_mut("results").and_then(Value::as_array_mut) else {
        return;
    };
    for result in results {
        let baseline = result["baseline"].as_bool().unwrap_or(false);
        result["native"] = json!(baseline);
    }
}

/// Version 1 wrote a guard as its label and its support as one sentence, "not offered: ..."
/// when it was not.
fn from_v1(run: &mut Value) {
    let Some(entries) = run
        .pointer_mut("/environment/sandbox")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for entry in entries {
        let label = entry["guard"].as_str().unwrap_or_default();
        if let Some(guard) = Guard::ALL.iter().find(|g| g.label() == label) {
            entry["guard"] = json!(guard.as_str());
        }
        let how = entry["how"].as_str().unwrap_or_default().to_string();
        match how.strip_prefix("not offered") {
            Some(why) => {
                let why = why.trim_start_matches([':', ' ']);
                entry["support"] = json!("not_offered");
                entry["why"] = json!(why);
                entry.as_object_mut().map(|o| o.remove("how"));
            }
            None => entry["support"] = json!("offered"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v1_guard_entry_becomes_typed() {
        let v1 = json!({"schema": 1, "settings": {"kernel": "k", "size": 1}, "environment": {"sandbox": [
            {"runtime": "wasmi", "guard": "deadline / epoch interruption", "variant": null,
             "how": "not offered: no epoch interruption"},
            {"runtime": "wasmi", "guard": "fuel / instruction metering", "variant": "wasmi+fuel",
             "how": "Config::consume_fuel"}]}});
        let now = to_current(v1).unwrap();
        let sandbox = &now["environment"]["sandbox"];
        assert_eq!(sandbox[0]["guard"], "deadline");
        assert_eq!(sandbox[0]["support"], "not_offered");
        assert_eq!(sandbox[0]["why"], "no epoch interruption");
        assert_eq!(sandbox[1]["guard"], "fuel");
        assert_eq!(sandbox[1]["support"], "offered");
        assert_eq!(now["schema"], SCHEMA_VERSION);
    }

    #[test]
    fn a_v5_file_gets_its_workloads_from_the_settings() {
        let single = json!({"schema": 5, "settings": {"kernel": "echo", "size": 10,
            "rounds": 7, "stop_reason": "precision reached", "elapsed_s": 2.5}});
        let now = to_current(single).unwrap();
        assert_eq!(
            now["groups"],
            json!([{"kernel": "echo", "size": 10, "rounds": 7,
                    "stop_reason": "precision reached", "elapsed_s": 2.5}])
        );
        assert!(now["settings"].get("kernel").is_none());

        let several = json!([{"kernel": "a", "size": 1, "rounds": 3,
            "stop_reason": "budget exhausted", "elapsed_s": 1.0},
            {"kernel": "a", "size": 2, "rounds": 4,
            "stop_reason": "budget exhausted", "elapsed_s": 1.5}]);
        let multi = json!({"schema": 5, "settings": {"kernel": "a", "size": 1, "rounds": 3,
            "stop_reason": "budget exhausted", "elapsed_s": 2.5, "groups": several}});
        assert_eq!(to_current(multi).unwrap()["groups"], several);

        let libraries = json!({"schema": 5, "settings": {"kernel": "k", "size": 1},
            "environment": {"native_libraries": [["native-library", true],
                                                 ["native-library-scalar", false]]}});
        assert_eq!(
            to_current(libraries).unwrap()["environment"]["native_libraries"],
            json!([{"runtime": "native-library", "build": "default"},
                   {"runtime": "native-library-scalar", "build": "not vectorized"}])
        );
    }

    #[test]
    fn a_v9_row_gets_its_configuration_guard_and_guest_build_from_its_name() {
        let v9 = json!({"schema": 9, "groups": [{"kernel": "k", "size": 1}],
            "environment": {"simd": [{"runtime": "wasmtime", "variant": "wasmtime-simd"}],
                            "shared_module": [["wasmtime", "wasmtime-shared"]]},
            "results": [{"runtime": "wasmtime"}, {"runtime": "wasmtime+fuel"},
                        {"runtime": "wasmtime-simd"}, {"runtime": "wasmtime-shared"},
                        {"runtime": "odd+name"}]});
        let now = to_current(v9).unwrap();
        let typed: Vec<(&str, &Value, &Value)> = now["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["configuration"].as_str().unwrap(),
                    &r["guard"],
                    &r["guest_build"],
                )
            })
            .collect();
        assert_eq!(
            typed,
            [
                ("wasmtime", &Value::Null, &Value::Null),
                ("wasmtime", &json!("fuel"), &Value::Null),
                ("wasmtime", &Value::Null, &json!("simd")),
                ("wasmtime", &Value::Null, &json!("shared")),
                ("odd+name", &Value::Null, &Value::Null),
            ]
        );
    }

    #[test]
    fn a_file_without_a_workload_is_refused() {
        let empty = json!({"schema": SCHEMA_VERSION, "groups": []});
        let why = to_current(empty).unwrap_err().to_string();
        assert!(why.contains("no workload"), "{why}");
    }

    #[test]
    fn newer_and_foreign_files_are_refused_with_the_reason() {
        let newer = to_current(json!({"schema": 99})).unwrap_err().to_string();
        assert!(newer.contains("newer plugbench (schema 99)"), "{newer}");
        let foreign = to_current(json!({"name": "x"})).unwrap_err().to_string();
        assert!(foreign.contains("no `schema`"), "{foreign}");
    }
}
