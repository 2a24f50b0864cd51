//! The measurement schedule driven by scripted subjects with fixed timings: exact table
//! cells, interleaving, seed reproducibility, a drifting machine, failing subjects.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use plugbench_data::{HeapLayout, Phase, StopReason};
use reports::{analyze, Environment, Exporter, Markdown, PhaseResult, Row, Run, Status, Table};
use runner::compare::{assemble, CompareOptions};
use runner::failure::Failure;
use runner::measure::{measure, Plan};
use runner::progress::Progress;
use runner::subject::{PhaseSample, Readiness, Subject};
use runner::workload::Workload;

const MS: f64 = 1e6;

/// Per-call time of a subject's n-th warm request (n counts from 0), or an error.
type Script = Box<dyn FnMut(usize) -> Result<f64, Failure>>;

struct Scripted {
    name: String,
    baseline: bool,
    script: Script,
    requests: usize,
    /// Shared by all subjects of a test: the order in which warm samples were taken.
    log: Rc<RefCell<Vec<String>>>,
    phases: BTreeMap<Phase, Result<PhaseSample, Failure>>,
    dies_on_error: bool,
    alive: Cell<bool>,
    /// Per-call time multiplier of each launch (the layout a fresh process happened to get).
    launch_factors: Vec<f64>,
    launch: usize,
    prepared: usize,
    /// The relaunch (1-based) that fails to start, like a worker that dies on startup.
    fails_at_relaunch: Option<usize>,
    /// How long a relaunch takes (a worker that starts and compiles the module again).
    relaunch_time: Duration,
    /// What the subject says one call takes when it is prepared.
    call_estimate_ns: f64,
    /// The processes `replica` hands out, last first.
    replicas: RefCell<Vec<Scripted>>,
}

impl Scripted {
    fn new(
        name: &str,
        log: &Rc<RefCell<Vec<String>>>,
        script: impl FnMut(usize) -> Result<f64, Failure> + 'static,
    ) -> Self {
        Scripted {
            name: name.into(),
            baseline: name == "native",
            script: Box::new(script),
            requests: 0,
            log: Rc::clone(log),
            phases: BTreeMap::new(),
            dies_on_error: false,
            alive: Cell::new(true),
            launch_factors: Vec::new(),
            launch: 0,
            prepared: 0,
            fails_at_relaunch: None,
            relaunch_time: Duration::ZERO,
            call_estimate_ns: 10.0 * MS,
            replicas: RefCell::new(Vec::new()),
        }
    }

    fn launch_factors(mut self, factors: &[f64]) -> Self {
        self.launch_factors = factors.to_vec();
        self
    }

    fn phase_ns(mut self, phase: Phase, result: Result<PhaseSample, Failure>) -> Self {
        self.phases.insert(phase, result);
        self
    }
}

impl Subject for Scripted {
    fn name(&self) -> &str {
        &self.name
    }

    fn prepare(&mut self) -> Result<Readiness, Failure> {
        self.prepared += 1;
        self.log
            .borrow_mut()
            .push(format!("prepare {} #{}", self.name, self.prepared));
        Ok(Readiness {
            crate_name: format!("{}-crate", self.name),
            crate_version: "1.0.0".into(),
            config: "scripted".into(),
            guest: "mock".into(),
            baseline: self.baseline,
            native: self.baseline,
            first_call_ns: 15.0 * MS,
            call_estimate_ns: self.call_estimate_ns,
            pid: 1000 + self.launch as u32,
            heap_offset: 16 * self.launch as u32,
            output: None,
        })
    }

    fn warm(&mut self, calls: u64) -> Result<f64, Failure> {
        let n = self.requests;
        self.requests += 1;
        self.log.borrow_mut().push(self.name.clone());
        let layout = self.launch_factors.get(self.launch).copied().unwrap_or(1.0);
        match (self.script)(n) {
            Ok(per_call) => Ok(per_call * layout * calls as f64),
            Err(e) => {
                if self.dies_on_error {
                    self.alive.set(false);
                }
                Err(e)
            }
        }
    }

    fn phase(&mut self, phase: Phase) -> Result<PhaseSample, Failure> {
        self.phases
            .get(&phase)
            .cloned()
            .unwrap_or(Ok(PhaseSample::Unsupported))
    }

    fn memory(&mut self) -> Option<reports::Memory> {
        Some(reports::Memory {
            idle_rss_kib: Some(1024),
            idle_file_kib: Some(768),
            peak_rss_kib: Some(2048),
            per_instance_kib: Some(96.0),
            instances: 16,
            artifact_bytes: None,
        })
    }

    fn alive(&self) -> bool {
        self.alive.get()
    }

    fn relaunch(&mut self) -> Result<(), Failure> {
        std::thread::sleep(self.relaunch_time);
        self.launch += 1;
        if self.fails_at_relaunch == Some(self.launch) {
            return Err(Failure::worker("could not start worker: out of processes"));
        }
        self.log
            .borrow_mut()
            .push(format!("relaunch {} #{}", self.name, self.launch));
        Ok(())
    }

    fn replica(&self) -> Option<Result<Box<dyn Subject>, Failure>> {
        let replica = self.replicas.borrow_mut().pop()?;
        Some(Ok(Box::new(replica)))
    }
}

/// The warm samples in the log, without the prepare/relaunch entries.
fn warm_log(log: &Rc<RefCell<Vec<String>>>) -> Vec<String> {
    log.borrow()
        .iter()
        .filter(|e| !e.starts_with("prepare ") && !e.starts_with("relaunch "))
        .cloned()
        .collect()
}

fn plan(min_rounds: usize, max_rounds: usize, seed: u64) -> Plan {
    Plan {
        budget: Duration::from_secs(600),
        target_precision: 0.01,
        min_rounds,
        max_rounds,
        launches: 1,
        max_launches: 1,
        baseline_processes: 1,
        seed,
        min_sample_ns: 1.0,
        phase_share: 0.0,
        min_phase_rounds: 3,
        max_phase_rounds: 3,
        warmup: Duration::ZERO,
        baseline: None,
    }
}

/// The row of `runtime` (each test runs one workload).
fn row<'a>(run: &'a Run, runtime: &str) -> &'a Row {
    let found = run.results.iter().find(|r| r.runtime == runtime);
    found.unwrap_or_else(|| panic!("no row for {runtime}"))
}

/// The run as the reports see it: measured, then analysed.
fn run(subjects: Vec<Box<dyn Subject>>, plan: Plan) -> Run {
    let names: Vec<String> = subjects.iter().map(|s| s.name().to_string()).collect();
    let outcome = measure(subjects, "mock-kernel", 100, &plan, &Progress::hidden());
    let opts = CompareOptions {
        workload: Workload::Kernel {
            kernel: "mock-kernel".into(),
            size: 100,
            input_seed: 1,
        },
        runtimes: names,
        plan,
        phase_timeout: Duration::from_secs(5),
        faults: BTreeMap::new(),
        heap_layout: HeapLayout::Random,
    };
    analyze(assemble(&opts, Environment::default(), outcome, Vec::new()))
}

/// Native alternates 10 ms and 12 ms by round; the runtime is exactly 2.5x native.
fn alternating(factor: f64) -> impl FnMut(usize) -> Result<f64, Failure> {
    move |n| Ok(factor * if n % 2 == 0 { 10.0 * MS } else { 12.0 * MS })
}

/// The cells of a runtime's first row in a terminal or markdown table.
fn cells(table: &str, runtime: &str) -> Vec<String> {
    let split = |line: &str| -> Vec<String> {
        line.split(['│', '┆', '|'])
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect()
    };
    let line = table
        .lines()
        .find(|l| split(l).first().is_some_and(|c| c == runtime))
        .unwrap_or_else(|| panic!("no row for {runtime} in\n{table}"));
    split(line)
}

#[test]
fn fixed_timings_give_exact_table_cells() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let subjects: Vec<Box<dyn Subject>> = vec![
        Box::new(Scripted::new("native", &log, alternating(1.0))),
        Box::new(Scripted::new("mock-wasm", &log, alternating(2.5))),
    ];
    let run = run(subjects, plan(10, 1000, 7));

    // Every per-round ratio is exactly 2.5, so the precision target is met at min_rounds.
    assert_eq!(run.group().rounds, 10);
    assert_eq!(run.group().stop_reason, StopReason::PrecisionReached);
    let table = Table.render(&run);

    // mean 11 ms; sd sqrt(10/9) = 1.0541 ms; 95% CI half-width t(9)=2.2622 x sd/sqrt(10)
    // = 0.7541 ms = 6.86% of the mean; CV 9.58% is above the 5% noise flag.
    assert_eq!(
        cells(&table, "native"),
        [
            "native",
            "yes",
            "90.9/s",
            "11.00 ms ± 6.86%",
            "11.00 ms",
            "12.00 ms",
            "12.00 ms",
            "1.054 ms",
            "15.00 ms",
            "baseline",
            "-",
            "noisy (CV 9.58%)"
        ]
    );
    // Ten pairs all above 1: sign test p = 2 x 0.5^10 = 0.00195.
    assert_eq!(
        cells(&table, "mock-wasm"),
        [
            "mock-wasm",
            "yes",
            "36.4/s",
            "27.50 ms ± 6.86%",
            "27.50 ms",
            "30.00 ms",
            "30.00 ms",
            "2.635 ms",
            "15.00 ms",
            "2.500x [2.500-2.500]",
            "0.0020",
            "noisy (CV 9.58%)"
        ]
    );
    assert!(
        table.contains("mock-wasm: 2.500x slower than native [2.500-2.500, 95% CI]"),
        "{table}"
    );
    assert!(
        table.contains("native: the baseline, 11.00 ms per call (90.9/s)"),
        "{table}"
    );

    let md = Markdown.render(&run);
    for runtime in ["mock-wasm", "native"] {
        // The markdown lists each row's notes under its table instead of in a column.
        let (md_row, mut table_row) = (cells(&md, runtime), cells(&table, runtime));
        let note = table_row.pop().unwrap();
        assert_eq!(md_row, table_row);
        let note = note.trim_end_matches('…');
        assert!(md.contains(&format!("- {runtime}: {note}")), "{note}\n{md}");
    }
    assert!(
        md.contains("mock-wasm: 2.500x slower than native [2.500-2.500, 95% CI]"),
        "{md}"
    );

    let wasm = row(&run, "mock-wasm");
    let w = wasm.warm.as_ref().unwrap();
    assert_eq!(w.samples, 10);
    assert!((w.mean_ns - 27.5 * MS).abs() < 1e-6);
    assert!((w.stddev_ns - 2.5 * MS * (10.0f64 / 9.0).sqrt()).abs() < 1e-3);
    assert_eq!(wasm.ratio_to_native.as_ref().unwrap().value, 2.5);
    assert_eq!(wasm.precision_met, Some(true));
    assert_eq!(wasm.memory.peak_rss_kib, Some(2048));
}

#[test]
fn every_round_samples_every_subject_once_in_a_seeded_shuffled_order() {
    let rounds_of = |seed: u64| {
        let log = Rc::new(RefCell::new(Vec::new()));
        let subjects: Vec<Box<dyn Subject>> = ["native", "a", "b", "c"]
            .iter()
            .map(|&n| {
                Box::new(Scripted::new(
                    n,
                    &log,
                    alternating(if n == "native" { 1.0 } else { 2.0 }),
                )) as Box<dyn Subject>
            })
            .collect();
        let run = run(subjects, plan(30, 30, seed));
        assert_eq!(run.group().rounds, 30);
        assert_eq!(run.settings.seed, seed);
        let log = warm_log(&log);
        log.chunks(4).map(|c| c.to_vec()).collect::<Vec<_>>()
    };
    let rounds = rounds_of(11);
    assert_eq!(rounds.len(), 30);
    for round in &rounds {
        let mut sorted = round.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            ["a", "b", "c", "native"],
            "each subject exactly once per round"
        );
    }
    // Shuffled: the orders are not all the same, and each subject is sometimes first.
    let distinct: std::collections::BTreeSet<_> = rounds.iter().collect();
    assert!(
        distinct.len() > 5,
        "only {} distinct orders",
        distinct.len()
    );
    for name in ["native", "a", "b", "c"] {
        assert!(
            rounds.iter().any(|r| r[0] == name),
            "{name} never went first"
        );
    }
    // The recorded seed reproduces the order; another seed gives another one.
    assert_eq!(rounds_of(11), rounds);
    assert_ne!(rounds_of(12), rounds);
}

#[test]
fn paired_ratio_cancels_machine_drift_that_ruins_the_unpaired_one() {
    // The machine slows down steadily: each sample takes 1% longer than the one before it,
    // whoever takes it. The runtime is truly 2x native.
    let tick = Rc::new(Cell::new(0u32));
    let drifting = |factor: f64| {
        let tick = Rc::clone(&tick);
        move |_n: usize| {
            tick.set(tick.get() + 1);
            Ok(factor * 10.0 * MS * (1.0 + 0.01 * tick.get() as f64))
        }
    };
    let log = Rc::new(RefCell::new(Vec::new()));
    let subjects: Vec<Box<dyn Subject>> = vec![
        Box::new(Scripted::new("native", &log, drifting(1.0))),
        Box::new(Scripted::new("mock-wasm", &log, drifting(2.0))),
    ];
    let mut p = plan(40, 40, 3);
    p.target_precision = 0.0;
    let run = run(subjects, p);
    let wasm = row(&run, "mock-wasm");
    let paired = wasm.ratio_to_native.as_ref().unwrap();
    let unpaired = wasm.ratio_unpaired.as_ref().unwrap();
    assert!(
        paired.ci95[0] <= 2.0 && 2.0 <= paired.ci95[1],
        "paired {paired:?}"
    );
    assert!(
        paired.precision < 0.02,
        "paired interval ±{:.3}",
        paired.precision
    );
    assert!(
        unpaired.precision > 5.0 * paired.precision,
        "unpaired {unpaired:?} vs paired {paired:?}"
    );
    // The drift itself is visible to the per-runtime statistics.
    assert!(wasm.noisy);
}

#[test]
fn a_failing_subject_becomes_an_error_row_and_the_others_complete() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut crashing = Scripted::new("crashy", &log, |n| {
        if n == 3 {
            Err(Failure::worker(
                "worker was killed by signal 6 (SIGABRT) during warm",
            ))
        } else {
            Ok(30.0 * MS)
        }
    });
    crashing.dies_on_error = true;
    let wrong = Scripted::new("liar", &log, |n| {
        if n == 5 {
            Err(Failure::mismatch("native at index 3: 7 vs 8"))
        } else {
            Ok(20.0 * MS)
        }
    });
    let subjects: Vec<Box<dyn Subject>> = vec![
        Box::new(Scripted::new("native", &log, alternating(1.0))),
        Box::new(Scripted::new("mock-wasm", &log, alternating(2.5))),
        Box::new(crashing),
        Box::new(wrong),
    ];
    let run = run(subjects, plan(12, 12, 5));
    let by = |name: &str| row(&run, name);

    assert_eq!(by("crashy").status, Status::Error);
    assert!(by("crashy").error.as_deref().unwrap().contains("SIGABRT"));
    assert!(by("crashy").ratio_to_native.is_none() && by("crashy").warm.is_none());
    assert_eq!(by("liar").status, Status::Error);
    assert!(!by("liar").verified);
    assert!(by("liar").ratio_to_native.is_none());

    // The others ran all twelve rounds, untouched.
    assert_eq!(by("native").warm.as_ref().unwrap().samples, 12);
    assert_eq!(by("mock-wasm").ratio_to_native.as_ref().unwrap().value, 2.5);
    // A failed subject is asked nothing after its failure.
    assert_eq!(log.borrow().iter().filter(|n| *n == "crashy").count(), 4);

    let table = Table.render(&run);
    assert_eq!(cells(&table, "crashy")[1], "ERROR");
    assert!(
        table
            .contains("crashy: ERROR, no timing reported: worker was killed by signal 6 (SIGABRT)"),
        "{table}"
    );
    let md = Markdown.render(&run);
    assert_eq!(cells(&md, "crashy")[1], "ERROR");
    assert_eq!(cells(&md, "liar")[1], "ERROR");
    assert!(md.contains("**liar**: output differs from native"), "{md}");
}

#[test]
fn phases_report_measured_unsupported_and_failed_apart() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let native = Scripted::new("native", &log, alternating(1.0))
        .phase_ns(Phase::FirstCall, Ok(PhaseSample::Ns(11.0 * MS)));
    let wasm = Scripted::new("mock-wasm", &log, alternating(2.0))
        .phase_ns(Phase::Compile, Ok(PhaseSample::Ns(40.0 * MS)))
        .phase_ns(
            Phase::Instantiate,
            Err(Failure::runtime("instantiation failed: out of memory")),
        );
    let subjects: Vec<Box<dyn Subject>> = vec![Box::new(native), Box::new(wasm)];
    let mut p = plan(10, 10, 9);
    p.phase_share = 0.2;
    let run = run(subjects, p);
    let wasm = row(&run, "mock-wasm");

    match &wasm.phases[&Phase::Compile] {
        PhaseResult::Measured(s) => {
            assert_eq!(s.samples, 3);
            assert_eq!(s.mean_ns, 40.0 * MS);
        }
        other => panic!("compile: {other:?}"),
    }
    assert_eq!(wasm.phases[&Phase::Serialize], PhaseResult::NotSupported);
    assert!(
        matches!(&wasm.phases[&Phase::Instantiate], PhaseResult::Error { message } if message.contains("out of memory"))
    );
    // A phase error on a live worker marks the phase, not the whole row.
    assert_eq!(wasm.status, Status::Ok);

    let table = Table.render(&run);
    let phase_row = table
        .lines()
        .filter(|l| l.contains("│ mock-wasm"))
        .nth(1)
        .expect("phase row");
    assert!(phase_row.contains("40.00 ms ± 0.00%"), "{phase_row}");
    assert!(
        phase_row.contains("not supported") && phase_row.contains("error"),
        "{phase_row}"
    );
}

/// Restarting every worker can take as long as a launch's slice (many runtimes, a short
/// budget): each launch still samples for half its slice once its workers are ready, instead of
/// taking only its floor of samples (3 each).
#[test]
fn a_restart_as_long_as_the_slice_still_leaves_each_launch_its_rounds() {
    let log = Rc::new(RefCell::new(Vec::new()));
    // Calls of 10 and 25 µs: a launch's share of time holds thousands of samples.
    let mut native = Scripted::new("native", &log, |_| Ok(10_000.0));
    let mut wasm = Scripted::new("mock-wasm", &log, |_| Ok(25_000.0));
    // Two workers of 60 ms each: a restart of 120 ms against launches of 100 ms.
    native.relaunch_time = Duration::from_millis(60);
    wasm.relaunch_time = Duration::from_millis(60);
    let mut p = plan(1, 1_000_000, 5);
    p.budget = Duration::from_millis(400);
    p.launches = 4;
    p.max_launches = 4;
    let run = run(vec![Box::new(native), Box::new(wasm)], p);
    let wasm = row(&run, "mock-wasm");
    // The last launch may stop at its floor once every ratio is within the target.
    for launch in 1..3 {
        let samples = wasm
            .raw
            .warm_launches
            .iter()
            .filter(|&&l| l == launch)
            .count();
        assert!(samples > 3, "launch {launch}: {samples} samples");
    }
}

#[test]
fn launches_restart_every_subject_and_their_spread_enters_the_interval() {
    // Each fresh process of the runtime lands on a layout that makes it 1.00, 1.04, 0.98 or
    // 1.02 times as fast for its whole life; within a launch every ratio is exact.
    let log = Rc::new(RefCell::new(Vec::new()));
    let subjects: Vec<Box<dyn Subject>> = vec![
        Box::new(Scripted::new("native", &log, |_| Ok(10.0 * MS))),
        Box::new(
            Scripted::new("mock-wasm", &log, |_| Ok(20.0 * MS))
                .launch_factors(&[1.0, 1.04, 0.98, 1.02]),
        ),
    ];
    let mut p = plan(10, 40, 5);
    p.launches = 4;
    let run = run(subjects, p);
    assert_eq!(run.settings.launches, 4);
    assert_eq!(run.group().rounds, 40);

    // Every subject is prepared once per launch, relaunched before launches 2-4, and each
    // launch contributes its share of the rounds.
    let events = log.borrow().clone();
    for name in ["native", "mock-wasm"] {
        let prepares = events
            .iter()
            .filter(|e| e.starts_with(&format!("prepare {name} #")));
        assert_eq!(prepares.count(), 4, "{events:?}");
        let relaunches = events
            .iter()
            .filter(|e| e.starts_with(&format!("relaunch {name} #")));
        assert_eq!(relaunches.count(), 3, "{events:?}");
    }
    let wasm = row(&run, "mock-wasm");
    let expected_launches: Vec<usize> = (0..40).map(|i| i / 10).collect();
    assert_eq!(wasm.raw.warm_launches, expected_launches);
    assert_eq!(wasm.raw.worker_pids, [1000, 1001, 1002, 1003]);
    assert_eq!(wasm.raw.heap_offsets, [0, 16, 32, 48]);

    // Launch medians 2.00, 2.08, 1.96, 2.04: geometric mean and t(3) interval (numpy/scipy).
    let headline = wasm.ratio_to_native.as_ref().unwrap();
    assert_launch_medians_2_00_2_08_1_96_2_04(headline);
    assert!(
        (headline.ci95[1] - 2.103_375_134_525_090_4).abs() < 1e-9,
        "{headline:?}"
    );
    assert_eq!(wasm.precision_met, Some(false));
    // Pooled over launches the 40 ratios give a median of 2.02 and, for n = 40, the order
    // statistics 14 and 27: an interval that would claim ±1% where new processes vary ±4%.
    let pooled = wasm.ratio_pooled.as_ref().unwrap();
    let near = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert!(near(pooled.value, 2.02), "{pooled:?}");
    assert!(
        near(pooled.ci95[0], 2.0) && near(pooled.ci95[1], 2.04),
        "{pooled:?}"
    );
    assert!(pooled.precision < 0.011 && headline.precision > 0.04);

    // The markdown shows each launch's median, so the spread behind the interval is visible.
    let md = Markdown.render(&run);
    let launch_row = md
        .lines()
        .find(|l| l.starts_with("| mock-wasm") && l.contains("(10)"))
        .unwrap_or_else(|| panic!("no launch row in\n{md}"));
    let launch_cells: Vec<&str> = launch_row
        .split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        launch_cells,
        [
            "mock-wasm",
            "20.00 ms (10)",
            "20.80 ms (10)",
            "19.60 ms (10)",
            "20.40 ms (10)"
        ]
    );
}

#[test]
fn a_subject_that_fails_to_relaunch_is_an_error_row_and_the_others_finish_every_launch() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut flaky = Scripted::new("flaky", &log, |_| Ok(30.0 * MS));
    flaky.fails_at_relaunch = Some(2);
    let subjects: Vec<Box<dyn Subject>> = vec![
        Box::new(Scripted::new("native", &log, |_| Ok(10.0 * MS))),
        Box::new(flaky),
        Box::new(Scripted::new("steady", &log, |_| Ok(20.0 * MS))),
    ];
    let mut p = plan(10, 30, 9);
    p.launches = 3;
    let run = run(subjects, p);
    let flaky = row(&run, "flaky");
    assert_eq!(flaky.status, Status::Error);
    assert_eq!(
        flaky.error.as_deref(),
        Some("relaunch: could not start worker: out of processes")
    );
    assert!(flaky.ratio_to_native.is_none() && flaky.warm.is_none());
    // Its samples from the launches it finished stay in the file.
    assert_eq!(flaky.raw.warm_ns.len(), 20);
    let steady = row(&run, "steady");
    assert_eq!(steady.status, Status::Ok);
    // Launches 1 and 2 ran their 10 rounds each; in the last one the exact ratio meets the
    // precision target as soon as the launch has its floor of 3 rounds.
    let in_launch = |l: usize| steady.raw.warm_launches.iter().filter(|&&x| x == l).count();
    assert_eq!([in_launch(0), in_launch(1), in_launch(2)], [10, 10, 3]);
    assert!(steady.raw.warm_launches.contains(&2));
    assert_eq!(run.group().stop_reason, StopReason::PrecisionReached);
    assert_eq!(steady.ratio_to_native.as_ref().unwrap().value, 2.0);
}

/// Native at 10 ms a call; "steady" exactly 2x native in every process; "shifty" 2x native
/// times 1.00, 1.04, 0.98 or 1.02 in its first four processes (the layout each landed on).
fn steady_and_shifty(log: &Rc<RefCell<Vec<String>>>) -> Vec<Box<dyn Subject>> {
    vec![
        Box::new(Scripted::new("native", log, |_| Ok(10.0 * MS))),
        Box::new(Scripted::new("steady", log, |_| Ok(20.0 * MS))),
        Box::new(
            Scripted::new("shifty", log, |_| Ok(20.0 * MS))
                .launch_factors(&[1.0, 1.04, 0.98, 1.02]),
        ),
    ]
}

#[test]
fn a_ratio_wider_than_the_target_gets_further_launches_with_the_baseline_only() {
    // "shifty" lands on a layout 1.00, 1.04, 0.98 or 1.02 times as fast in each of its
    // processes; "steady" is exactly 2x native in every process, so after the first two
    // launches its ratio is within the target and it sits the further launches out.
    let log = Rc::new(RefCell::new(Vec::new()));
    let subjects = steady_and_shifty(&log);
    let mut p = plan(10, 40, 3);
    p.launches = 2;
    p.max_launches = 4;
    let run = run(subjects, p);
    assert_eq!(run.settings.launches, 2);
    assert_eq!(run.settings.max_launches, 4);
    // With further launches allowed, each launch has a quarter of max_rounds: 10 rounds.
    assert_eq!(run.group().rounds, 40);
    assert_eq!(run.group().stop_reason, StopReason::MaxRounds);

    let relaunches = |name: &str| {
        log.borrow()
            .iter()
            .filter(|e| e.starts_with(&format!("relaunch {name} #")))
            .count()
    };
    assert_eq!(
        [
            relaunches("native"),
            relaunches("steady"),
            relaunches("shifty")
        ],
        [3, 1, 3]
    );
    let result = |name: &str| row(&run, name);
    let launches_of = |name: &str| {
        let mut l = result(name).raw.warm_launches.clone();
        l.dedup();
        l
    };
    assert_eq!(launches_of("steady"), [0, 1]);
    assert_eq!(launches_of("shifty"), [0, 1, 2, 3]);
    assert_eq!(launches_of("native"), [0, 1, 2, 3]);
    assert_eq!(result("native").raw.warm_ns.len(), 40);
    assert_eq!(result("steady").raw.warm_ns.len(), 20);
    assert_eq!(
        result("steady").ratio_to_native.as_ref().unwrap().value,
        2.0
    );

    // Launch medians 2.00, 2.08, 1.96, 2.04: geometric mean and t(3) interval (numpy/scipy),
    // the same figures as four launches of every runtime give.
    assert_launch_medians_2_00_2_08_1_96_2_04(result("shifty").ratio_to_native.as_ref().unwrap());

    // The launch table has a column per launch; steady's further ones are dashes.
    let md = Markdown.render(&run);
    let steady_row = md
        .lines()
        .find(|l| l.starts_with("| steady") && l.contains("(10)"))
        .unwrap_or_else(|| panic!("no launch row in\n{md}"));
    assert_eq!(
        cells(steady_row, "steady")[1..],
        ["20.00 ms (10)", "20.00 ms (10)", "-", "-"]
    );
    assert!(
        md.contains("2 worker launches of every runtime, 2 further of those still wider"),
        "{md}"
    );
}

#[test]
fn a_further_launch_leaves_out_a_subject_whose_launch_alone_exceeds_its_share() {
    // Both runtimes differ from launch to launch, so both stay wider than the target. With
    // 8 s of warm budget, 2 first launches and further ones allowed, a further launch has 1 s:
    // "slow" (3 s a call, so its preparation and one sample cost over 6 s) cannot have one,
    // "shifty" (10 ms a call) can.
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut slow = Scripted::new("slow", &log, |_| Ok(3000.0 * MS)).launch_factors(&[1.0, 1.05]);
    slow.call_estimate_ns = 3000.0 * MS;
    let subjects: Vec<Box<dyn Subject>> = vec![
        Box::new(Scripted::new("native", &log, |_| Ok(10.0 * MS))),
        Box::new(slow),
        Box::new(
            Scripted::new("shifty", &log, |_| Ok(20.0 * MS))
                .launch_factors(&[1.0, 1.04, 0.98, 1.02]),
        ),
    ];
    let mut p = plan(4, 40, 11);
    p.budget = Duration::from_secs(8);
    p.launches = 2;
    p.max_launches = 4;
    let run = run(subjects, p);
    let launches_of = |name: &str| {
        let r = row(&run, name);
        let mut l = r.raw.warm_launches.clone();
        l.dedup();
        l
    };
    assert_eq!(launches_of("slow"), [0, 1]);
    assert_eq!(launches_of("shifty"), [0, 1, 2, 3]);
    assert_eq!(launches_of("native"), [0, 1, 2, 3]);
}

#[test]
fn where_a_launch_costs_more_than_half_a_slice_the_first_launches_keep_the_whole_budget() {
    // 2 s of budget over 2 first launches, and 0.3 s of warm-up for each of three subjects:
    // the first launch is ready after about 0.8 s, more than the 0.5 s half a slice would be,
    // so the slices stay whole (1 s). Each runtime then samples until its share of a launch
    // (1 s / 3) is used: 17 samples of 20 ms. Halved slices would have given each launch 10
    // rounds at most (a quarter of max_rounds) and each runtime 9 samples.
    let log = Rc::new(RefCell::new(Vec::new()));
    let subjects = steady_and_shifty(&log);
    let mut p = plan(4, 40, 13);
    p.budget = Duration::from_secs(2);
    p.warmup = Duration::from_millis(300);
    p.launches = 2;
    p.max_launches = 4;
    let run = run(subjects, p);
    let shifty = row(&run, "shifty");
    let in_launch = |l: usize| shifty.raw.warm_launches.iter().filter(|&&x| x == l).count();
    assert_eq!([in_launch(0), in_launch(1)], [17, 17]);
}

/// The ratio of four launches whose medians are 2.00, 2.08, 1.96 and 2.04: their geometric
/// mean and the lower end of its t(3) interval (numpy/scipy).
fn assert_launch_medians_2_00_2_08_1_96_2_04(ratio: &stats::RatioEstimate) {
    assert!(
        (ratio.value - 2.019_504_812_113_954_7).abs() < 1e-12,
        "{ratio:?}"
    );
    assert!(
        (ratio.ci95[0] - 1.938_978_748_587_450_3).abs() < 1e-9,
        "{ratio:?}"
    );
}

/// Native in three processes, the first 1.5x slow in the second launch (the layout it landed
/// on), the others steady; a runtime at exactly 20 ms, 2x native. Measured with `processes` of
/// native's processes.
fn one_slow_native_process(processes: usize) -> Run {
    let log = Rc::new(RefCell::new(Vec::new()));
    let native = Scripted::new("native", &log, |_| Ok(10.0 * MS)).launch_factors(&[1.0, 1.5]);
    native.replicas.borrow_mut().extend([
        Scripted::new("native", &log, |_| Ok(10.0 * MS)),
        Scripted::new("native", &log, |_| Ok(10.0 * MS)),
    ]);
    let subjects: Vec<Box<dyn Subject>> = vec![
        Box::new(native),
        Box::new(Scripted::new("mock-wasm", &log, |_| Ok(20.0 * MS))),
    ];
    let mut p = plan(10, 20, 3);
    p.launches = 2;
    p.baseline_processes = processes;
    let run = run(subjects, p);
    let relaunches = log
        .borrow()
        .iter()
        .filter(|e| e.starts_with("relaunch native #"))
        .count();
    assert_eq!(relaunches, processes);
    run
}

#[test]
fn the_baseline_runs_in_three_processes_and_one_slow_process_moves_no_ratio() {
    let run = one_slow_native_process(3);
    let native = run.results.iter().find(|r| r.native).unwrap();
    // Three processes in each launch, each sampled in every round.
    assert_eq!(native.raw.worker_pids.len(), 6);
    assert_eq!(native.raw.warm_ns.len(), 3 * run.group().rounds);
    // The slow process is in native's own samples, but every round pairs with the median.
    assert!(native.raw.warm_ns.contains(&(15.0 * MS)));
    let wasm = row(&run, "mock-wasm");
    let pairs = plugbench_data::paired(wasm, native);
    assert!(pairs.b.iter().all(|&b| b == 10.0 * MS), "{:?}", pairs.b);
    let headline = wasm.ratio_to_native.as_ref().unwrap();
    assert_eq!((headline.value, headline.ci95), (2.0, [2.0, 2.0]));

    // In one process the same slow launch takes the ratio to 2/1.5 there.
    let run = one_slow_native_process(1);
    let wasm = row(&run, "mock-wasm");
    let headline = wasm.ratio_to_native.as_ref().unwrap();
    let expected = (2.0f64 * (2.0 / 1.5)).sqrt();
    assert!((headline.value - expected).abs() < 1e-12, "{headline:?}");
}

#[test]
fn a_further_launch_ends_at_ten_samples_and_leaves_the_budget_to_more_launches() {
    // Time is no limit here (the subjects' samples take no real time): the first launches run
    // their share of max_rounds, a further one ends once "shifty" has ten samples.
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut p = plan(10, 1000, 3);
    p.launches = 2;
    p.max_launches = 4;
    let run = run(steady_and_shifty(&log), p);
    let shifty = row(&run, "shifty");
    let in_launch = |l: usize| shifty.raw.warm_launches.iter().filter(|&&x| x == l).count();
    assert_eq!([0, 1, 2, 3].map(in_launch), [250, 250, 10, 10]);
}
