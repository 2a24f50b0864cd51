//! The steadiness verdict: what makes a machine unsteady, and what the report says first.

use std::path::Path;

use plugbench_data::MachineActivity;
use reports::steadiness::{Finding, Steadiness, Verdict};
use reports::write::read_run;
use reports::{analyze, markdown_files, Analysis, Exporter, Table};

fn run_with(activity: Option<MachineActivity>, steady_native: bool) -> reports::Run {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run-v1.json");
    let mut file = read_run(&path).unwrap();
    file.environment.cores = 2;
    file.environment.activity = activity;
    if steady_native {
        // Every native sample alike: its processes and launches agree exactly.
        for r in file.results.iter_mut().filter(|r| r.baseline) {
            r.raw.warm_ns.iter_mut().for_each(|x| *x = 1000.0);
        }
    }
    analyze(file)
}

fn idle() -> MachineActivity {
    MachineActivity {
        load_average: Some(0.1),
        busy_before: Some(0.01),
        steal_before: Some(0.0),
        look_s: 1.0,
        others_during: Some(0.02),
        steal_during: Some(0.0),
        governor: None,
        clocksource: Some("tsc".into()),
    }
}

#[test]
fn an_idle_machine_with_agreeing_native_processes_is_steady() {
    let run = run_with(Some(idle()), true);
    let s = Steadiness::of(&run);
    assert_eq!(s.verdict, Verdict::Steady, "{:?}", s.findings);
    assert_eq!(s.tie(), reports::choose::TIE);
    let analysis = Analysis::of(&run);
    let summary = &markdown_files(&run, &analysis, "report.md")[0].1;
    let first = summary
        .lines()
        .find(|l| l.starts_with("**Machine"))
        .unwrap();
    assert!(first.starts_with("**Machine: steady.**"), "{first}");
}

#[test]
fn others_leaving_no_core_free_make_it_unsteady_and_the_report_says_so_first() {
    let busy = MachineActivity {
        others_during: Some(0.67),
        ..idle()
    };
    let run = run_with(Some(busy), true);
    let s = Steadiness::of(&run);
    assert_eq!(s.verdict, Verdict::Unsteady);
    assert!(s.findings.contains(&Finding::OthersDuring(0.67)));
    let analysis = Analysis::of(&run);
    let summary = &markdown_files(&run, &analysis, "report.md")[0].1;
    // The verdict comes before any answer.
    let verdict = summary.find("**Machine: NOT steady.**").unwrap();
    assert!(verdict < summary.find("## Choosing a runtime").unwrap());
    assert!(summary.contains("67.0% of the cores while measuring"));
    assert!(Table
        .render_with(&run, &analysis)
        .contains("Machine: NOT steady."));
}

#[test]
fn one_busy_neighbour_on_two_cores_is_a_note_not_a_verdict() {
    let neighbour = MachineActivity {
        busy_before: Some(0.5),
        others_during: Some(0.47),
        ..idle()
    };
    let s = Steadiness::of(&run_with(Some(neighbour), true));
    assert_eq!(s.verdict, Verdict::Steady);
    assert_eq!(s.findings, [Finding::BusyNeighbours(0.5)]);
    assert!(s
        .explanation()
        .contains("Note: other processes used up to 50.0%"));
}

#[test]
fn native_s_launches_spreading_make_it_unsteady_without_any_activity_record() {
    // The saved run's native launches differ by tens of percent (a file from before the record).
    let run = run_with(None, false);
    let s = Steadiness::of(&run);
    assert_eq!(s.verdict, Verdict::Unsteady);
    assert!(
        matches!(s.findings[..], [Finding::NativeLaunches(x)] if x > reports::steadiness::LAUNCH_LIMIT),
        "{:?}",
        s.findings
    );
    // Times within that spread of the best tie in "Choosing a runtime".
    assert!(s.tie() > 0.15);
    let analysis = Analysis::of(&run);
    let time_choice = analysis
        .workloads
        .iter()
        .flat_map(|w| &w.choices)
        .find(|c| c.unit == reports::choose::Unit::Nanoseconds)
        .unwrap();
    assert_eq!(time_choice.tie, s.tie());
}
