//! The result of a fuzzing run: a tally per runtime and every finding, rendered for the
//! terminal, as markdown and as JSON.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use super::answer::{Answer, CallResult};
use super::case::{Features, Origin};
use super::host::Pool;
use super::repro::{self, Prepared, Reproducer};
use super::{verdict, FuzzOptions};

/// Identifies fuzz results (apart from `compare` results) and their version.
pub const SCHEMA: &str = "plugbench-fuzz";
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RuntimeTally {
    pub runtime: String,
    pub description: String,
    pub tried: u64,
    pub rejected: u64,
    pub not_instantiated: u64,
    pub ran: u64,
    pub calls: u64,
    pub trapped_calls: u64,
    pub timed_out: u64,
    pub crashed: u64,
    /// Of those, panics in this project's own code (its adapter, the worker), not the runtime's.
    #[serde(default)]
    pub own_panics: u64,
    /// Modules on which it differed from the majority.
    pub disagreed: u64,
    /// Of those, differences this project has explained.
    pub disagreed_explained: u64,
    pub workers_started: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    pub case: u64,
    pub origin: Origin,
    /// Runtimes that differed from the majority.
    pub dissenters: Vec<String>,
    /// Runtimes whose worker crashed.
    pub crashed: Vec<String>,
    pub explanation: Option<String>,
    /// Each runtime's answer in one line.
    pub answers: BTreeMap<String, String>,
    pub reproducer: String,
}

/// Modules on which the same runtimes differed for the same known reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Explained {
    pub explanation: String,
    pub runtimes: Vec<String>,
    pub modules: u64,
    /// The first such case (`--seed S --from N --modules 1` runs it again).
    pub first_case: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FuzzRun {
    pub schema: String,
    pub schema_version: u32,
    pub seed: u64,
    pub first_case: u64,
    pub features: Features,
    pub modules_requested: u64,
    pub modules_tried: u64,
    pub mutated_modules: u64,
    pub seconds: f64,
    pub modules_per_second: f64,
    /// Stopped early (signal or time limit).
    pub interrupted: bool,
    pub timeout_seconds: f64,
    /// Worker processes each runtime had (the modules of a batch are shared among them).
    pub workers_per_runtime: usize,
    pub runtimes: Vec<RuntimeTally>,
    /// Runtimes asked for that cannot host any core module, and why.
    pub not_hosted: Vec<(String, String)>,
    /// Crashes, and disagreements nothing here explains, each saved as a reproducer.
    pub findings: Vec<Finding>,
    /// Disagreements with a known reason, counted.
    pub explained: Vec<Explained>,
}

impl FuzzRun {
    pub fn new(opts: &FuzzOptions, hosts: &[Pool], not_hosted: Vec<(String, String)>) -> Self {
        Self {
            schema: SCHEMA.into(),
            schema_version: SCHEMA_VERSION,
            seed: opts.seed,
            first_case: opts.first,
            features: opts.features,
            modules_requested: opts.modules,
            modules_tried: 0,
            mutated_modules: 0,
            seconds: 0.0,
            modules_per_second: 0.0,
            interrupted: false,
            timeout_seconds: opts.timeout.as_secs_f64(),
            workers_per_runtime: 0,
            runtimes: hosts
                .iter()
                .map(|h| RuntimeTally {
                    runtime: h.name.clone(),
                    description: h.description.clone(),
                    ..RuntimeTally::default()
                })
                .collect(),
            not_hosted,
            findings: Vec::new(),
            explained: Vec::new(),
        }
    }

    /// Counts one module's answers (in host order) and saves a reproducer if it is a finding.
    pub fn record(
        &mut self,
        opts: &FuzzOptions,
        job: &Prepared,
        answers: Vec<Answer>,
    ) -> Result<()> {
        self.modules_tried += 1;
        self.mutated_modules += u64::from(job.origin.is_mutated());
        let rejections = match self.features.all_proposals {
            true => verdict::Rejections::Capability {
                valid: job.valid,
                deterministic: job.deterministic,
            },
            false => verdict::Rejections::Compared,
        };
        let dissenters = verdict::dissenters(&answers, rejections);
        let names: Vec<String> = self.runtimes.iter().map(|t| t.runtime.clone()).collect();
        let explanation =
            verdict::explain(&names, &answers, &dissenters, &job.job.plan, rejections);
        for (i, (tally, answer)) in self.runtimes.iter_mut().zip(&answers).enumerate() {
            tally.count(answer);
            if dissenters.contains(&i) {
                tally.disagreed += 1;
                tally.disagreed_explained += u64::from(explanation.is_some());
            }
        }
        let crashed: Vec<String> = names
            .iter()
            .zip(&answers)
            .filter(|(_, a)| matches!(a, Answer::Crashed { .. }))
            .map(|(n, _)| n.clone())
            .collect();
        if dissenters.is_empty() && crashed.is_empty() {
            return Ok(());
        }
        if let (Some(why), true) = (&explanation, crashed.is_empty()) {
            self.count_explained(why, &dissenters, &names, job.job.case);
            return Ok(());
        }
        let found = Reproducer {
            seed: self.seed,
            case: job.job.case,
            origin: job.origin,
            features: self.features,
            module: format!("seed-{}-case-{}.wasm", self.seed, job.job.case),
            plan: job.job.plan.clone(),
            answers: names.iter().cloned().zip(answers.iter().cloned()).collect(),
            dissenters: dissenters.iter().map(|&i| names[i].clone()).collect(),
            explanation,
        };
        let path = repro::save(opts, job, &found)?;
        self.findings.push(Finding {
            case: found.case,
            origin: found.origin,
            dissenters: found.dissenters,
            crashed,
            explanation: found.explanation,
            answers: names
                .into_iter()
                .zip(answers.iter().map(Answer::summary))
                .collect(),
            reproducer: path.display().to_string(),
        });
        Ok(())
    }

    /// A known difference is counted, not saved: its test already reproduces it.
    fn count_explained(&mut self, why: &str, dissenters: &[usize], names: &[String], case: u64) {
        let runtimes: Vec<String> = dissenters.iter().map(|&i| names[i].clone()).collect();
        match self
            .explained
            .iter_mut()
            .find(|e| e.explanation == why && e.runtimes == runtimes)
        {
            Some(known) => known.modules += 1,
            None => self.explained.push(Explained {
                explanation: why.to_string(),
                runtimes,
                modules: 1,
                first_case: case,
            }),
        }
    }

    pub fn finish(&mut self, elapsed: Duration, hosts: &[Pool]) {
        self.seconds = elapsed.as_secs_f64();
        self.modules_per_second = self.modules_tried as f64 / self.seconds.max(1e-9);
        for (tally, host) in self.runtimes.iter_mut().zip(hosts) {
            tally.workers_started = host.launches();
        }
        self.workers_per_runtime = hosts.first().map_or(0, Pool::lanes);
    }

    /// Findings (disagreements and crashes) that no known difference explains.
    pub fn unexplained(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.explanation.is_none())
            .count()
    }

    /// The per-runtime table: header and rows, for every format.
    fn table(&self) -> (Vec<&'static str>, Vec<Vec<String>>) {
        let header = vec![
            "Runtime",
            "Modules",
            "Rejected",
            "Not instantiated",
            "Ran",
            "Calls trapped",
            "Timed out",
            "Crashed",
            "Disagreed (explained)",
        ];
        let rows = self
            .runtimes
            .iter()
            .map(|t| {
                vec![
                    t.runtime.clone(),
                    t.tried.to_string(),
                    t.rejected.to_string(),
                    t.not_instantiated.to_string(),
                    t.ran.to_string(),
                    format!("{} of {}", t.trapped_calls, t.calls),
                    t.timed_out.to_string(),
                    t.crashed.to_string(),
                    format!("{} ({})", t.disagreed, t.disagreed_explained),
                ]
            })
            .collect();
        (header, rows)
    }

    /// Panics in plugbench's own code, in any worker.
    pub fn own_panics(&self) -> u64 {
        self.runtimes.iter().map(|t| t.own_panics).sum()
    }

    fn headline(&self) -> String {
        let crashes: u64 = self.runtimes.iter().map(|t| t.crashed).sum();
        let proposals = match self.features.all_proposals {
            true => " with every proposal on",
            false => "",
        };
        format!(
            "{} modules ({} mutated){proposals} from seed {} in {:.1} s ({:.1} modules/s) on {} \
             runtimes; {} crash(es) of a runtime ({} panic(s) in plugbench's own code), {} \
             unexplained finding(s){}",
            self.modules_tried,
            self.mutated_modules,
            self.seed,
            self.seconds,
            self.modules_per_second,
            self.runtimes.len(),
            crashes,
            self.own_panics(),
            self.unexplained(),
            if self.interrupted {
                "; stopped early"
            } else {
                ""
            }
        )
    }

    /// One line per known difference and per finding, for either format.
    fn lines(&self) -> (Vec<String>, Vec<String>) {
        let known = self
            .explained
            .iter()
            .map(|e| {
                format!(
                    "{} on {} module(s) (first: case {}): {}",
                    e.runtimes.join(", "),
                    e.modules,
                    e.first_case,
                    e.explanation
                )
            })
            .collect();
        let findings = self
            .findings
            .iter()
            .map(|f| {
                let who: Vec<String> = f
                    .crashed
                    .iter()
                    .map(|r| format!("{r} crashed"))
                    .chain(f.dissenters.iter().map(|r| format!("{r} differs")))
                    .collect();
                format!(
                    "case {} ({:?}): {}: {}; reproducer {}",
                    f.case,
                    f.origin,
                    who.join(", "),
                    f.explanation.as_deref().unwrap_or("NOT EXPLAINED"),
                    f.reproducer
                )
            })
            .collect();
        (known, findings)
    }

    pub fn terminal(&self) -> String {
        let (header, rows) = self.table();
        let mut table = comfy_table::Table::new();
        table
            .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
            .set_header(header)
            .add_rows(rows);
        let mut out = format!("{table}\n{}\n", self.headline());
        for (name, why) in &self.not_hosted {
            out += &format!("not fuzzed: {name}: {why}\n");
        }
        let (known, findings) = self.lines();
        for line in known {
            out += &format!("known: {line}\n");
        }
        for line in findings {
            out += &format!("finding: {line}\n");
        }
        out
    }

    pub fn markdown(&self) -> String {
        let (header, rows) = self.table();
        let mut out = format!("# plugbench fuzz\n\n{}.\n\n", self.headline());
        out += &markdown_table(&header, &rows);
        out += &format!(
            "\nEach module ran under a time limit of {:.0} s per runtime, with the memory-limit \
             guard where the runtime offers one.\n",
            self.timeout_seconds
        );
        if !self.not_hosted.is_empty() {
            out += "\nNot fuzzed:\n\n";
            for (name, why) in &self.not_hosted {
                out += &format!("- {name}: {why}\n");
            }
        }
        let (known, findings) = self.lines();
        out += "\n## Known differences\n\n";
        if known.is_empty() {
            out += "None met.\n";
        }
        for line in known {
            out += &format!("- {line}\n");
        }
        out += "\n## Findings\n\n";
        if findings.is_empty() {
            out += "None: no crash, and every other disagreement has a known reason.\n";
        }
        for line in findings {
            out += &format!("- {line}\n");
        }
        out
    }
}

pub fn markdown_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let line = |cells: Vec<&str>| format!("| {} |\n", cells.join(" | "));
    let mut out = line(header.to_vec());
    out += &line(header.iter().map(|_| "---").collect());
    for row in rows {
        out += &line(row.iter().map(String::as_str).collect());
    }
    out
}

impl RuntimeTally {
    fn count(&mut self, answer: &Answer) {
        self.tried += 1;
        match answer {
            Answer::Rejected { .. } => self.rejected += 1,
            Answer::NotInstantiated { .. } => self.not_instantiated += 1,
            Answer::Ran { calls, .. } => {
                self.ran += 1;
                self.calls += calls.len() as u64;
                self.trapped_calls += calls
                    .iter()
                    .filter(|c| matches!(c, CallResult::Trapped(_)))
                    .count() as u64;
            }
            Answer::TimedOut { .. } => self.timed_out += 1,
            Answer::Crashed { .. } => {
                self.crashed += 1;
                self.own_panics += u64::from(answer.is_own_panic());
            }
        }
    }
}
