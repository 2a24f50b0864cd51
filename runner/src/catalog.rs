//! The runtimes this installation has, as the worker binaries beside `plugbench` describe them:
//! the runner links no engine, so every name, configuration, guard and known difference comes
//! from the workers (`<worker> describe`), and whether a runtime can run a program from its
//! worker too (`<worker> hosts`). A worker that is missing is named, with what builds it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use runtimes::{
    Declarations, Description, Entry, KnownDifference, Program, RuntimeInfo, SandboxSupport,
    Worker, WORKERS,
};

use crate::worker_call::WorkerCall;

/// Every worker, found or not, in report order.
pub struct Catalog {
    workers: Vec<Found>,
}

struct Found {
    worker: Worker,
    path: PathBuf,
    /// What it said of itself, or why it could not say.
    description: Result<Description, String>,
}

/// The catalog of the workers beside the running executable (loaded once).
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::load(&workers_dir()))
}

/// Where the worker binaries are: beside `plugbench`, or for a test binary of this crate (in
/// `target/<profile>/deps`) one directory up.
fn workers_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    let first = WORKERS[0].binary;
    match (dir.join(first).exists(), dir.parent()) {
        (false, Some(up)) if up.join(first).exists() => up.to_path_buf(),
        _ => dir,
    }
}

impl Catalog {
    /// Asks each worker in `dir` to describe itself.
    pub fn load(dir: &Path) -> Catalog {
        let workers = WORKERS
            .iter()
            .map(|&worker| {
                let path = dir.join(worker.binary);
                let description = describe(&path, worker);
                Found {
                    worker,
                    path,
                    description,
                }
            })
            .collect();
        Catalog { workers }
    }

    fn described(&self) -> impl Iterator<Item = (&Found, &Description)> {
        self.workers
            .iter()
            .filter_map(|f| f.description.as_ref().ok().map(|d| (f, d)))
    }

    /// Each worker found, by binary, and the build it says it is.
    pub fn builds(&self) -> Vec<(&'static str, &str)> {
        self.described()
            .map(|(f, d)| (f.worker.binary, d.build.as_str()))
            .collect()
    }

    /// Every configuration of every worker found, in report order.
    pub fn declarations(&self) -> Declarations {
        Declarations(
            self.described()
                .flat_map(|(_, d)| d.configurations.0.iter().cloned())
                .collect(),
        )
    }

    /// Every runtime, in report order.
    pub fn entries(&self) -> Vec<Entry> {
        self.declarations().entries()
    }

    pub fn names(&self) -> Vec<String> {
        self.declarations().names()
    }

    pub fn default_names(&self) -> Vec<String> {
        self.declarations().default_names()
    }

    pub fn baseline_name(&self) -> Option<String> {
        self.declarations().baseline_name()
    }

    pub fn sandbox_support(&self) -> Vec<SandboxSupport> {
        self.declarations().sandbox_support()
    }

    pub fn known_differences(&self) -> Vec<(String, KnownDifference)> {
        self.declarations().known_differences()
    }

    pub fn is_gap_variant(&self, name: &str) -> bool {
        self.declarations().is_gap_variant(name)
    }

    /// Whether `name` runs the kernels as components (a row of the "Plugin interface" section).
    pub fn is_component(&self, name: &str) -> bool {
        self.declarations()
            .component_pairs()
            .iter()
            .any(|(_, component)| component == name)
    }

    /// What the gap measurement adds to a comparison of `selected` (an extra native build only
    /// where this host has its library).
    pub fn gap_variants(&self, selected: &[String]) -> Vec<String> {
        let first_gap_kernel = kernel_embed::GAP_KERNELS
            .first()
            .and_then(|name| kernel_embed::kernel(name));
        self.declarations().gap_variants(selected, |name| {
            match (self.info(name), first_gap_kernel) {
                (Ok(info), Some(kernel)) => info.guest.available(kernel),
                _ => false,
            }
        })
    }

    /// The worker that makes `name`.
    fn found(&self, name: &str) -> Option<(&Found, &Description)> {
        self.described()
            .find(|(_, d)| d.runtimes.iter().any(|(entry, _)| entry.name == name))
    }

    /// What runtime `name` says about itself, or why it cannot be made.
    pub fn info(&self, name: &str) -> Result<&RuntimeInfo, String> {
        let (_, description) = self.found(name).ok_or_else(|| self.unknown(name))?;
        let (_, info) = description
            .runtimes
            .iter()
            .find(|(entry, _)| entry.name == name)
            .expect("found above");
        info.as_ref().map_err(Clone::clone)
    }

    /// What runtime `name` is made from: its configuration, guard and guest build.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        let (_, description) = self.found(name)?;
        description
            .runtimes
            .iter()
            .map(|(entry, _)| entry)
            .find(|entry| entry.name == name)
    }

    /// The worker binary that serves runtime `name`.
    pub fn worker_path(&self, name: &str) -> Result<&Path, String> {
        self.found(name)
            .map(|(found, _)| found.path.as_path())
            .ok_or_else(|| self.unknown(name))
    }

    /// The worker binary's file name that serves runtime `name`.
    pub fn worker_binary(&self, name: &str) -> Option<&'static str> {
        self.found(name).map(|(found, _)| found.worker.binary)
    }

    /// Every worker that could not describe itself (missing, or broken), with why.
    pub fn missing(&self) -> Vec<(&'static str, String)> {
        self.workers
            .iter()
            .filter_map(|f| match &f.description {
                Ok(_) => None,
                Err(why) => Some((f.worker.binary, why.clone())),
            })
            .collect()
    }

    /// The workers a build always has that are missing here, by binary name: a comparison
    /// gives each an error row under that name, since its runtimes cannot be named.
    pub fn missing_required(&self) -> Vec<&'static str> {
        self.workers
            .iter()
            .filter(|f| !f.worker.optional && f.description.is_err())
            .map(|f| f.worker.binary)
            .collect()
    }

    /// Why `name` is not a runtime here: the names there are, and the workers missing.
    fn unknown(&self, name: &str) -> String {
        let mut why = format!(
            "unknown runtime `{name}`; here: {}",
            self.names().join(", ")
        );
        for (binary, missing) in self.missing() {
            why += &format!("; {binary}: {missing}");
        }
        why
    }

    /// Which of `candidates` can run `program`, each worker asked once: those that can, and
    /// why each other cannot.
    pub fn hosts(
        &self,
        program: &Program,
        candidates: &[String],
    ) -> (Vec<String>, Vec<(String, String)>) {
        let mut answers: Vec<(String, Result<(), String>)> = Vec::new();
        for found in &self.workers {
            let serves = |name: &String| {
                found
                    .description
                    .as_ref()
                    .is_ok_and(|d| d.runtimes.iter().any(|(e, _)| &e.name == name))
            };
            if candidates.iter().any(serves) {
                answers.extend(ask_hosts(&found.path, program));
            }
        }
        let mut hosted = Vec::new();
        let mut not_hosted = Vec::new();
        for name in candidates {
            match answers.iter().find(|(n, _)| n == name).map(|(_, a)| a) {
                Some(Ok(())) => hosted.push(name.clone()),
                Some(Err(why)) => not_hosted.push((name.clone(), why.clone())),
                None => not_hosted.push((name.clone(), self.unknown(name))),
            }
        }
        (hosted, not_hosted)
    }
}

/// What the worker at `path` says of itself.
fn describe(path: &Path, worker: Worker) -> Result<Description, String> {
    if !path.exists() {
        return Err(format!(
            "worker binary {} is missing ({})",
            path.display(),
            worker.how_to_build
        ));
    }
    let answer = run(path, &WorkerCall::Describe)?;
    serde_json::from_str(&answer).map_err(|e| {
        format!(
            "{} described itself in a form this plugbench cannot read: {e}",
            path.display()
        )
    })
}

/// The worker's answers to `hosts`, or none when it could not answer (its runtimes are then
/// named as unknown, with why, by the caller).
fn ask_hosts(path: &Path, program: &Program) -> Vec<(String, Result<(), String>)> {
    let program = program.clone();
    run(path, &WorkerCall::Hosts { program })
        .ok()
        .and_then(|answer| serde_json::from_str(&answer).ok())
        .unwrap_or_default()
}

/// The worker's stdout for `args`, or what went wrong.
fn run(path: &Path, call: &WorkerCall) -> Result<String, String> {
    let args = call.args();
    let output = Command::new(path)
        .args(&args)
        .output()
        .map_err(|e| format!("{} could not be started: {e}", path.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} {} failed ({}): {}",
            path.display(),
            args[0],
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| e.to_string())
}
