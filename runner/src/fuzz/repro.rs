//! Modules on disk: each batch's cases written for the workers, and every finding saved as a
//! reproducer (the `.wasm` and a `.json` with the calls and each runtime's answer) that
//! `plugbench fuzz --replay` runs again.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use wasmparser::WasmFeatures;

use super::answer::Answer;
use super::case::{self, Origin};
use super::plan::{self, Plan};
use super::worker::Job;
use super::{verdict, FuzzOptions};

/// A case written to disk, with what the workers are to do with it.
pub struct Prepared {
    pub job: Job,
    pub origin: Origin,
    /// Valid with every proposal on (wasmparser's verdict).
    pub valid: bool,
    /// Its results are the same on every correct engine: it has no relaxed SIMD instruction.
    pub deterministic: bool,
}

pub fn write_batch(opts: &FuzzOptions, cases: Range<u64>, dir: &Path) -> Result<Vec<Prepared>> {
    cases
        .map(|index| {
            let case = case::make(opts.seed, index, opts.features);
            // A user's module is read by `inspect` before anything else, so every module with
            // every proposal is too: one it cannot read ends this run, as a GC module once did.
            if opts.features.all_proposals {
                let _ = crate::module::inspect::inspect(&case.bytes, &[]);
            }
            let module = dir.join(format!("case-{index}.wasm"));
            std::fs::write(&module, &case.bytes)
                .with_context(|| format!("write {}", module.display()))?;
            Ok(Prepared {
                job: Job {
                    case: index,
                    module,
                    plan: plan::plan(&case.bytes, opts.seed ^ index),
                },
                origin: case.origin,
                valid: valid_with(&case.bytes, WasmFeatures::all()),
                deterministic: !opts.features.all_proposals || deterministic(&case.bytes),
            })
        })
        .collect()
}

/// wasmparser's verdict on `bytes` with `features` on.
fn valid_with(bytes: &[u8], features: WasmFeatures) -> bool {
    wasmparser::Validator::new_with_features(features)
        .validate_all(bytes)
        .is_ok()
}

/// Whether `bytes` runs the same on every correct engine: no relaxed SIMD instruction (its
/// results are each engine's choice). A module that is not valid at all counts as
/// deterministic: every engine must refuse it.
fn deterministic(bytes: &[u8]) -> bool {
    valid_with(
        bytes,
        WasmFeatures::all().difference(WasmFeatures::RELAXED_SIMD),
    ) || !valid_with(bytes, WasmFeatures::all())
}

/// A saved finding.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reproducer {
    pub seed: u64,
    pub case: u64,
    pub origin: Origin,
    /// The proposals the run generated (all of them decides how refusals count).
    #[serde(default)]
    pub features: case::Features,
    /// The module, next to this file.
    pub module: String,
    pub plan: Plan,
    /// Each runtime's answer when it was found.
    pub answers: BTreeMap<String, Answer>,
    pub dissenters: Vec<String>,
    pub explanation: Option<String>,
}

/// Saves `job`'s module and the answers under `out_dir`; returns the `.json`'s path.
pub fn save(opts: &FuzzOptions, prepared: &Prepared, found: &Reproducer) -> Result<PathBuf> {
    std::fs::create_dir_all(&opts.out_dir)
        .with_context(|| format!("create {}", opts.out_dir.display()))?;
    let wasm = opts.out_dir.join(&found.module);
    std::fs::copy(&prepared.job.module, &wasm)
        .with_context(|| format!("write {}", wasm.display()))?;
    let json = wasm.with_extension("json");
    let text = serde_json::to_string_pretty(found).expect("reproducers serialize");
    reports::write::write_atomic(&json, &text)?;
    Ok(json)
}

/// What a replay found.
pub struct Replayed {
    pub answers: Vec<(String, Answer)>,
    pub not_hosted: Vec<(String, String)>,
    pub dissenters: Vec<String>,
}

/// Runs a saved reproducer again on `runtimes` (default: those that answered when it was found).
pub fn replay(
    file: &Path,
    runtimes: &[String],
    timeout: Duration,
    faults: BTreeMap<String, String>,
) -> Result<Replayed> {
    let text = std::fs::read_to_string(file).with_context(|| format!("read {}", file.display()))?;
    let found: Reproducer = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a plugbench fuzz reproducer", file.display()))?;
    let module = file.with_file_name(&found.module);
    anyhow::ensure!(
        module.exists(),
        "the module {} is missing",
        module.display()
    );
    let names: Vec<String> = if runtimes.is_empty() {
        found.answers.keys().cloned().collect()
    } else {
        runtimes.to_vec()
    };
    let opts = FuzzOptions {
        seed: found.seed,
        first: found.case,
        modules: 1,
        time_limit: None,
        runtimes: names,
        features: found.features,
        timeout,
        out_dir: PathBuf::new(),
        faults,
    };
    let (mut hosts, not_hosted) = super::start_hosts(&opts, 1);
    let job = Job {
        case: found.case,
        module,
        plan: found.plan,
    };
    let answers: Vec<(String, Answer)> = hosts
        .iter_mut()
        .map(|h| (h.name.clone(), h.probe_all(&[&job]).remove(0)))
        .collect();
    let only: Vec<Answer> = answers.iter().map(|(_, a)| a.clone()).collect();
    let rejections = match found.features.all_proposals {
        true => {
            let bytes = std::fs::read(&job.module)?;
            verdict::Rejections::Capability {
                valid: valid_with(&bytes, WasmFeatures::all()),
                deterministic: deterministic(&bytes),
            }
        }
        false => verdict::Rejections::Compared,
    };
    let dissenters = verdict::dissenters(&only, rejections)
        .into_iter()
        .map(|i| answers[i].0.clone())
        .collect();
    Ok(Replayed {
        answers,
        not_hosted,
        dissenters,
    })
}
