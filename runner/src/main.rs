use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::Parser;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use plugbench_data::{HeapLayout, Measure, ModuleShape, Proposal, Support};
use reports::merge::MachineRun;
use reports::write::{read_run, write_atomic};
use reports::{analyze, markdown_files, Analysis, Csv, Exporter, Json, Run, Table};
use runner::catalog::catalog;
use runner::checks;
use runner::cli::{
    Cli, Command, CompareArgs, FeaturesArgs, FuzzArgs, LoadArgs, MergeArgs, ReportArgs,
};
use runner::compare::{self, CompareOptions};
use runner::fault::parse_assignment;
use runner::load::{self, LoadCommand};
use runner::measure::Plan;
use runner::workload::Groups;
use runner::{count, environment, fuzz, interrupt, machine, module, proposals};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Compare(args) => compare_cmd(*args),
        Command::List => list_cmd().map(|_| ExitCode::SUCCESS),
        Command::Inspect { module, links } => {
            inspect_cmd(&module, &links).map(|_| ExitCode::SUCCESS)
        }
        Command::Report(args) => report_cmd(args).map(|_| ExitCode::SUCCESS),
        Command::Diff { old, new } => diff_cmd(&old, &new).map(|_| ExitCode::SUCCESS),
        Command::Merge(args) => merge_cmd(args).map(|_| ExitCode::SUCCESS),
        Command::Fuzz(args) => fuzz_cmd(args),
        Command::Features(args) => features_cmd(args).map(|_| ExitCode::SUCCESS),
        Command::Load(args) => load_cmd(*args),
    };
    outcome.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::from(1)
    })
}

/// `plugbench load`: the table, the JSON file; exit code 3 when a row failed.
fn load_cmd(args: LoadArgs) -> Result<ExitCode> {
    let command = LoadCommand::from_args(args)?;
    let watch = machine::watch(machine::LOOK);
    let mut file = load::run(&command)?;
    file.environment.activity = Some(watch.finish());
    print!("{}", reports::load::terminal(&file));
    let mut files = Vec::new();
    if let Some(path) = &command.json {
        let json = serde_json::to_string_pretty(&file).map_err(anyhow::Error::from);
        files.push((path.clone(), json));
    }
    if let Some(path) = &command.markdown {
        files.push((path.clone(), Ok(reports::load::markdown(&file))));
    }
    write_files(files)?;
    let failed = reports::load::failed_runtimes(&file);
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{} runtime(s) failed under load: {} (see the ERROR rows)",
            failed.len(),
            failed.join(", ")
        );
        ExitCode::from(3)
    })
}

/// `results.csv` → `results-<what>.csv` (`-load`, `-instructions`): a table with columns of its
/// own beside the first.
fn beside(csv: &Path, what: &str) -> PathBuf {
    let stem = csv
        .file_stem()
        .map_or("results".into(), |s| s.to_string_lossy());
    csv.with_file_name(format!("{stem}-{what}.csv"))
}

/// Writes every file, all of them even if one fails, and reports each failure.
fn write_files(files: Vec<(PathBuf, Result<String>)>) -> Result<()> {
    let mut failures = Vec::new();
    for (path, contents) in files {
        match contents.and_then(|text| Ok(write_atomic(&path, &text)?)) {
            Ok(()) => eprintln!("wrote {}", path.display()),
            Err(e) => failures.push(format!("{}: {e:#}", path.display())),
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        bail!(failures.join("; "))
    }
}

/// The paths a run is exported to, each optional.
struct Exports<'a> {
    json: Option<&'a PathBuf>,
    markdown: Option<&'a PathBuf>,
    csv: Option<&'a PathBuf>,
}

/// Each requested export; with the markdown report, the pages it links to and the charts it
/// embeds, by file name beside it.
fn export(run: &Run, analysis: &Analysis, to: Exports) -> Result<()> {
    let outputs: [(Option<&PathBuf>, &dyn Exporter); 2] = [(to.json, &Json), (to.csv, &Csv)];
    let mut files: Vec<(PathBuf, Result<String>)> = outputs
        .iter()
        .filter_map(|(path, exporter)| {
            path.map(|p| (p.clone(), Ok(exporter.render_with(run, analysis))))
        })
        .collect();
    // The load rows have columns of their own: a second CSV beside the first.
    if let Some(csv) = to.csv.filter(|_| !run.load.is_empty()) {
        files.push((beside(csv, "load"), Ok(reports::load::csv(&run.load))));
    }
    if let Some(csv) = to.csv.filter(|_| run.instructions.is_some()) {
        let path = beside(csv, "instructions");
        files.push((path, Ok(reports::instructions::csv(run))));
    }
    if let Some(markdown) = to.markdown {
        let dir = markdown.parent().unwrap_or(Path::new("."));
        let name = markdown
            .file_name()
            .map_or_else(|| "report.md".into(), |n| n.to_string_lossy());
        files.extend(
            markdown_files(run, analysis, &name)
                .into_iter()
                .map(|(name, text)| (dir.join(name), Ok(text))),
        );
        files.extend(
            reports::chart::report_charts(analysis)
                .into_iter()
                .chain(reports::load::charts(&run.load))
                .map(|(name, svg)| (dir.join(name), svg.map_err(anyhow::Error::from))),
        );
    }
    write_files(files)
}

fn compare_cmd(args: CompareArgs) -> Result<ExitCode> {
    let counting = args.measure.contains(&Measure::Instructions);
    if counting {
        count::valgrind_version()?;
    }
    let kernels = compare::select_kernels(&args.kernels)?;
    let mut sizes: Vec<usize> = args.sizes.iter().map(|&s| s as usize).collect();
    sizes.sort_unstable();
    sizes.dedup();
    check_request(&args, &kernels, &sizes)?;
    let loads = load::for_compare(&args)?;
    let faults = parse_faults(&args.inject_fault)?;
    let mut environment = environment::collect();
    let plan = plan(&args, environment.timer_overhead_ns);
    let (groups, modules) = if args.module.modules.is_empty() {
        (
            kernel_groups(&args, &kernels, &sizes, &mut environment)?,
            Vec::new(),
        )
    } else {
        module_groups(&args)?
    };
    if !modules.is_empty() {
        // The kernels' builds and the gap measurement are not part of a module's run.
        let hosts: Vec<&String> = groups.iter().flat_map(|(_, r)| r).collect();
        environment.sandbox.retain(|s| hosts.contains(&&s.runtime));
        environment.artifacts.clear();
        environment.simd.clear();
        environment.shared_module.clear();
        environment.native_libraries.clear();
        environment.embedded_engines.clear();
    }
    environment.modules = modules;
    if args.proposals {
        environment.proposals =
            probe_proposals(&groups, Duration::from_secs_f64(args.phase_timeout))?;
    }
    let groups: Vec<CompareOptions> = groups
        .into_iter()
        .map(|(workload, runtimes)| CompareOptions {
            workload,
            runtimes,
            plan: plan.clone(),
            phase_timeout: Duration::from_secs_f64(args.phase_timeout),
            faults: faults.clone(),
            heap_layout: args
                .heap_offset
                .map_or(HeapLayout::Random, HeapLayout::Fixed),
        })
        .collect();
    interrupt::install().context("install the SIGINT/SIGTERM handlers")?;
    let watch = machine::watch(machine::LOOK);
    let mut run = if args.measure.contains(&Measure::Time) {
        compare::run_groups(&groups, environment)?
    } else {
        compare::untimed(&groups, environment)?
    };
    for command in &loads {
        if run.interrupted || interrupt::requested() {
            run.interrupted = true;
            break;
        }
        run.load.push(load::run(command)?);
    }
    // The steadiness verdict is about the timed figures: counts do not move with the machine.
    run.environment.activity = Some(watch.finish());
    if counting && !run.interrupted {
        let workloads: Vec<_> = groups
            .iter()
            .map(|g| (g.workload.clone(), g.runtimes.clone()))
            .collect();
        run.instructions = Some(count::count(&workloads, &count_plan(&args, &faults))?);
    }
    run.interrupted |= interrupt::requested();
    let run = analyze(run);
    let analysis = Analysis::of(&run);
    print_terminal(&run, &analysis);
    export(
        &run,
        &analysis,
        Exports {
            json: args.json.as_ref(),
            markdown: args.markdown.as_ref(),
            csv: args.csv.as_ref(),
        },
    )?;
    Ok(exit_code(&run))
}

/// The proposals table of every runtime configuration a comparison measures (not its
/// baseline, guarded or gap variants).
fn probe_proposals(
    groups: &Groups,
    timeout: Duration,
) -> Result<Vec<plugbench_data::ProposalSupport>> {
    let picks = module::default_candidates();
    let mut runtimes: Vec<String> = Vec::new();
    for name in groups.iter().flat_map(|(_, r)| r) {
        if picks.contains(name) && !runtimes.contains(name) {
            runtimes.push(name.clone());
        }
    }
    eprintln!("probing which proposals {} runtime(s) run", runtimes.len());
    proposals::measure(&runtimes, Proposal::ALL, timeout)
}

/// How every workload's instructions are counted, from the command line.
fn count_plan(args: &CompareArgs, faults: &BTreeMap<String, String>) -> count::CountPlan {
    count::CountPlan {
        launches: args.count_launches as usize,
        timeout: Duration::from_secs_f64(args.phase_timeout),
        heap_layout: args
            .heap_offset
            .map_or(HeapLayout::Random, HeapLayout::Fixed),
        faults: faults.clone(),
    }
}

/// How every workload is sampled, from the command line.
fn plan(args: &CompareArgs, timer_overhead_ns: f64) -> Plan {
    Plan {
        budget: Duration::from_secs_f64(args.budget),
        target_precision: args.precision / 100.0,
        min_rounds: args.min_rounds as usize,
        max_rounds: args.max_rounds as usize,
        launches: args.launches as usize,
        max_launches: args.max_launches as usize,
        baseline_processes: args.baseline_processes as usize,
        seed: args.seed.unwrap_or_else(clock_seed),
        // Timer overhead under 0.1% of every sample, and never below 10 µs.
        min_sample_ns: (timer_overhead_ns * 1000.0).max(10_000.0),
        phase_share: if args.no_phases { 0.0 } else { 0.2 },
        min_phase_rounds: 3,
        max_phase_rounds: 30,
        warmup: Duration::from_secs_f64(args.warmup),
        // The user's native build is every ratio's reference, as native code is the kernels'.
        baseline: args.baseline.clone().or_else(|| {
            args.module
                .native
                .as_ref()
                .map(|_| module::NATIVE_LIBRARY.to_string())
        }),
    }
}

/// Success, interrupted, or 3 when some rows are errors (the reports are written either way).
fn exit_code(run: &Run) -> ExitCode {
    if run.interrupted {
        eprintln!("interrupted: the reports hold what was measured until the signal");
        return ExitCode::from(interrupt::EXIT_CODE);
    }
    let mut failed: Vec<&str> = run
        .results
        .iter()
        .filter(|r| !r.is_ok())
        .map(|r| r.runtime.as_str())
        .collect();
    for file in &run.load {
        failed.extend(reports::load::failed_runtimes(file));
    }
    if let Some(counts) = &run.instructions {
        failed.extend(
            counts
                .rows
                .iter()
                .filter(|r| !r.is_ok())
                .map(|r| r.runtime.as_str()),
        );
    }
    failed.sort_unstable();
    failed.dedup();
    if failed.is_empty() {
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "{} runtime(s) failed: {} (see the ERROR rows)",
        failed.len(),
        failed.join(", ")
    );
    // 3, apart from clap's 2 for a usage error: the reports were written, some rows are errors.
    ExitCode::from(3)
}

/// Each kernel at each size on the selected runtimes (native always), with the sandboxed
/// and gap variants where they belong.
fn kernel_groups(
    args: &CompareArgs,
    kernels: &[String],
    sizes: &[usize],
    environment: &mut reports::Environment,
) -> Result<Groups> {
    let selected = compare::select_runtimes(&args.runtimes)?;
    // The report's sandbox and SIMD sections cover the runtimes of this run.
    environment
        .sandbox
        .retain(|s| selected.contains(&s.runtime));
    environment.simd.retain(|s| selected.contains(&s.runtime));
    environment
        .shared_module
        .retain(|(runtime, _)| selected.contains(runtime));
    let mut extras = compare::Extras::default();
    if args.sandbox {
        extras.sandbox = compare::sandbox_variants(&selected);
    }
    if args.gap {
        extras.gap = catalog().gap_variants(&selected);
    }
    if args.interface {
        let declarations = catalog().declarations();
        extras.interface = declarations.interface_variants(&selected);
        extras.interface_references = declarations.interface_references(&selected);
    }
    Ok(compare::kernel_workloads(
        kernels,
        sizes,
        args.input_seed,
        &selected,
        &extras,
    ))
}

/// The user's modules, each call a workload on the runtimes that host it.
fn module_groups(args: &CompareArgs) -> Result<(Groups, Vec<reports::ModuleInfo>)> {
    if args.gap {
        bail!(
            "--gap decomposes the built-in kernels' gap to native; it does not apply to --module"
        );
    }
    if args.interface {
        bail!(
            "--interface runs the built-in kernels as components; a component of your own is \
             measured as --module COMPONENT.wasm"
        );
    }
    let request = args.module.call_request()?;
    module::plan_modules(
        &args.module.modules,
        &request,
        &args.runtimes,
        args.baseline.as_deref(),
        args.sandbox,
    )
}

/// What clap cannot check alone: values that must agree, sizes each kernel's input can take,
/// and output paths, all before anything is measured.
fn check_request(args: &CompareArgs, kernels: &[String], sizes: &[usize]) -> Result<()> {
    if args.min_rounds > args.max_rounds {
        bail!(
            "--min-rounds {} is more than --max-rounds {}",
            args.min_rounds,
            args.max_rounds
        );
    }
    if let Some(flag) = args.module.stray_flag() {
        bail!("{flag} applies to a module of your own (--module PATH); the kernels are checked against native");
    }
    if args.baseline.is_some() && args.module.modules.is_empty() {
        bail!("--baseline applies to a module of your own (--module PATH); the kernels are compared with native");
    }
    let kernels = if args.module.modules.is_empty() {
        kernels
    } else {
        &[]
    };
    for name in kernels {
        let kernel = kernel_embed::kernel(name).context("kernel selected above")?;
        for &size in sizes {
            checks::input_fits(kernel, size)?;
        }
        checks::builds_exist(&args.runtimes, kernel)?;
    }
    for path in [&args.json, &args.markdown, &args.csv]
        .into_iter()
        .flatten()
    {
        checks::writable(path)?;
    }
    Ok(())
}

fn list_cmd() -> Result<()> {
    let mut table = comfy_table::Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header([
        "Runtime",
        "Worker",
        "Crate",
        "Version",
        "Loads",
        "Artifacts",
        "Configuration",
    ]);
    let catalog = catalog();
    for entry in catalog.entries() {
        let worker = catalog
            .worker_binary(&entry.name)
            .unwrap_or("-")
            .to_string();
        match catalog.info(&entry.name) {
            Ok(info) => {
                table.add_row([
                    entry.name.clone(),
                    worker,
                    info.crate_name.clone(),
                    info.crate_version.clone(),
                    info.guest.label().to_string(),
                    if info.supports_artifacts {
                        "save/load"
                    } else {
                        "not supported"
                    }
                    .to_string(),
                    info.config.clone(),
                ]);
            }
            Err(e) => {
                table.add_row([
                    entry.name.clone(),
                    worker,
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    format!("unavailable: {e}"),
                ]);
            }
        }
    }
    println!("Runtimes\n{table}");
    for (binary, why) in catalog.missing() {
        println!("not here: {binary}: {why}");
    }
    println!("\nKernels");
    for k in kernel_embed::KERNELS {
        println!("  {:<16} {}", k.name, k.description);
    }
    Ok(())
}

fn inspect_cmd(path: &Path, links: &[(String, PathBuf)]) -> Result<()> {
    let module = module::load(path, module::links::load(links)?)?;
    let i = &module.inspection;
    println!(
        "{}: {} bytes, sha256 {}",
        module.name, module.bytes, module.sha256
    );
    println!("shape: {} ({})", i.shape.label(), i.shape);
    println!("\nimports:");
    if i.imports.is_empty() {
        println!("  none");
    }
    for import in &i.imports {
        println!("  {}", import.text());
    }
    for link in &module.links {
        println!(
            "  from --link {}: {}, {} bytes, sha256 {}",
            link.name,
            link.path.display(),
            link.bytes,
            link.sha256
        );
    }
    println!("\nexports:");
    for export in &i.exports {
        println!(
            "  {:<24} {} {}",
            export.name, export.kind, export.signature_text
        );
    }
    if let Some(wit) = &i.wit {
        println!("\nits WIT world:\n{}", indent(wit));
    }
    proposals_needed(&i.proposals)?;
    println!("\nhow plugbench calls it:");
    let callable = module.callable();
    let export = match callable.as_slice() {
        [only] => only.to_string(),
        _ => "NAME".into(),
    };
    let how = match i.shape {
        ModuleShape::ComponentCommand | ModuleShape::SightglassComponent => {
            "[--arg ARG ...] [--stdin FILE] [--env K=V] [--dir HOST[::GUEST]]".to_string()
        }
        ModuleShape::Component => format!("--invoke '{export}(ARG, ...)' (WAVE)"),
        ModuleShape::WasiCommand | ModuleShape::SightglassBench => {
            "[--arg ARG ...] [--stdin FILE] [--env K=V] [--dir HOST[::GUEST]]".to_string()
        }
        _ if module.is_wasi_plugin() => {
            format!("--invoke {export} --input FILE [--dir HOST[::GUEST]]")
        }
        shape if shape.takes_bytes() => format!("--invoke {export} --input FILE"),
        _ => format!("--invoke {export} --arg VALUE ..."),
    };
    println!("  plugbench compare --module {} {how}", path.display());
    println!("\nruntimes:");
    let program = module.typical_program();
    let (hosted, not_hosted) = module::hosts(&program, &module.candidates());
    for name in hosted {
        println!("  {name:<20} hosts it");
    }
    for (name, why) in not_hosted {
        println!("  {name:<20} cannot: {why}");
    }
    Ok(())
}

/// `text` indented by two spaces a line.
fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The proposals a module needs, which default runtimes run every one of them (probed), and
/// which do not run each.
fn proposals_needed(needed: &[Proposal]) -> Result<()> {
    let names: Vec<&str> = needed.iter().map(|p| p.as_str()).collect();
    println!(
        "\nproposals beyond WebAssembly 1.0 it needs: {}",
        or_none(&names)
    );
    if needed.is_empty() {
        return Ok(());
    }
    let runtimes = module::default_candidates();
    let table = proposals::measure(&runtimes, needed, Duration::from_secs(30))?;
    let probed =
        |s: &&plugbench_data::ProposalSupport| !matches!(s.support, Support::NotProbed { .. });
    let runs_all: Vec<&str> = runtimes
        .iter()
        .filter(|r| {
            table
                .iter()
                .filter(|s| &s.runtime == *r)
                .all(|s| s.support == Support::Runs)
        })
        .map(String::as_str)
        .collect();
    println!("runtimes that run every one: {}", or_none(&runs_all));
    for &proposal in needed {
        let not: Vec<String> = table
            .iter()
            .filter(probed)
            .filter(|s| s.proposal == proposal && s.support != Support::Runs)
            .map(|s| format!("{} ({})", s.runtime, s.support.label()))
            .collect();
        if !not.is_empty() {
            println!("  {proposal}: not on {}", not.join(", "));
        }
    }
    let unprobed: Vec<String> = table
        .iter()
        .filter(|s| !probed(s) && s.proposal == needed[0])
        .map(|s| format!("{} ({})", s.runtime, s.support.detail().unwrap_or_default()))
        .collect();
    if !unprobed.is_empty() {
        println!("  not probed: {}", unprobed.join(", "));
    }
    Ok(())
}

fn or_none(names: &[&str]) -> String {
    match names {
        [] => "none".into(),
        names => names.join(", "),
    }
}

/// `plugbench features`: the proposals table of the selected runtimes.
fn features_cmd(args: FeaturesArgs) -> Result<()> {
    compare::check_runtime_names(&args.runtimes)?;
    let runtimes = match args.runtimes.is_empty() {
        true => module::default_candidates(),
        false => args.runtimes.clone(),
    };
    let timeout = Duration::from_secs_f64(args.timeout);
    let table = proposals::measure(&runtimes, Proposal::ALL, timeout)?;
    print!("{}", reports::proposals::terminal(&table));
    let versions: Vec<(String, String)> = runtimes
        .iter()
        .map(|name| {
            let version = catalog().info(name).map_or_else(
                |e| e.to_string(),
                |info| format!("{} {}", info.crate_name, info.crate_version),
            );
            (name.clone(), version)
        })
        .collect();
    let json = || -> Result<String> {
        let file = serde_json::json!({
            "tool": format!("plugbench {}", env!("CARGO_PKG_VERSION")),
            "runtimes": versions,
            "proposals": table,
        });
        Ok(serde_json::to_string_pretty(&file)? + "\n")
    };
    let markdown = || -> Result<String> {
        let mut md = "# plugbench: which proposals each runtime runs\n\nRuntimes: ".to_string();
        let listed: Vec<String> = versions.iter().map(|(n, v)| format!("{n} ({v})")).collect();
        md += &listed.join(", ");
        md += ".\n";
        Ok(md + &reports::proposals::markdown(&table, "##"))
    };
    let mut files = Vec::new();
    if let Some(path) = &args.json {
        files.push((path.clone(), json()));
    }
    if let Some(path) = &args.markdown {
        files.push((path.clone(), markdown()));
    }
    write_files(files)
}

/// The terminal's tables: the timed ones (where something was timed), under load, the counts.
fn print_terminal(run: &Run, analysis: &Analysis) {
    if !run.results.is_empty() {
        print!("{}", Table.render_with(run, analysis));
    }
    for file in &run.load {
        print!("{}", reports::load::terminal(file));
    }
    print!("{}", reports::instructions::terminal(run));
}

fn report_cmd(args: ReportArgs) -> Result<()> {
    let run = analyze(read_run(&args.results)?);
    let analysis = Analysis::of(&run);
    print_terminal(&run, &analysis);
    export(
        &run,
        &analysis,
        Exports {
            json: args.json.as_ref(),
            markdown: args.markdown.as_ref(),
            csv: args.csv.as_ref(),
        },
    )
}

fn merge_cmd(args: MergeArgs) -> Result<()> {
    if let Some(path) = &args.markdown {
        checks::writable(path)?;
    }
    let runs = args
        .runs
        .iter()
        .map(|path| {
            let run = analyze(read_run(path)?);
            Ok(MachineRun::new(path.display().to_string(), run))
        })
        .collect::<Result<Vec<_>>>()?;
    let differences = reports::merge::differences(&runs);
    if !differences.is_empty() {
        bail!(
            "these runs did not measure the same thing, so their figures do not compare:\n  - {}",
            differences.join("\n  - ")
        );
    }
    print!("{}", reports::merge::terminal(&runs));
    let files = args
        .markdown
        .into_iter()
        .map(|path| (path, Ok(reports::merge::markdown(&runs))))
        .collect();
    write_files(files)
}

fn diff_cmd(old: &Path, new: &Path) -> Result<()> {
    let (old, new) = (read_run(old)?, read_run(new)?);
    let in_old = &old.groups;
    let missing: Vec<String> = new
        .groups
        .iter()
        .filter(|g| {
            !in_old
                .iter()
                .any(|o| (&o.kernel, o.size) == (&g.kernel, g.size))
        })
        .map(|g| format!("{} size {}", g.kernel, g.size))
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "note: not in the old file, so not compared: {}",
            missing.join(", ")
        );
    }
    println!(
        "{}",
        reports::diff::render(&reports::diff::diff(&old, &new))
    );
    Ok(())
}

/// `RUNTIME=FAULT` assignments (the hidden testing aid), by runtime.
fn parse_faults(assignments: &[String]) -> Result<BTreeMap<String, String>> {
    assignments
        .iter()
        .map(|s| parse_assignment(s))
        .collect::<Result<BTreeMap<_, _>, _>>()
        .map_err(anyhow::Error::msg)
}

fn fuzz_cmd(args: FuzzArgs) -> Result<ExitCode> {
    let timeout = Duration::from_secs_f64(args.timeout);
    let runtimes = fuzz_runtimes(&args.runtimes)?;
    let faults = parse_faults(&args.inject_fault)?;
    if let Some(file) = &args.replay {
        let replayed = fuzz::replay(file, &args.runtimes, timeout, faults)?;
        return Ok(print_replay(&replayed));
    }
    for path in [&args.json, &args.markdown].into_iter().flatten() {
        checks::writable(path)?;
    }
    // Reproducers are written as they are found: the folder must take files before the run.
    checks::writable(&args.out.join("reproducer.json"))?;
    let opts = fuzz::FuzzOptions {
        seed: args.seed.unwrap_or_else(clock_seed),
        first: args.from,
        modules: args.modules,
        time_limit: args.time_limit.map(Duration::from_secs_f64),
        runtimes,
        features: fuzz::Features {
            simd: args.simd,
            all_proposals: args.all_proposals,
        },
        timeout,
        out_dir: args.out,
        faults,
    };
    interrupt::install().context("install the SIGINT/SIGTERM handlers")?;
    let run = fuzz::run(&opts)?;
    print!("{}", run.terminal());
    let files = [
        (
            args.json,
            serde_json::to_string_pretty(&run).map_err(anyhow::Error::from),
        ),
        (args.markdown, Ok(run.markdown())),
    ];
    write_files(
        files
            .into_iter()
            .filter_map(|(p, text)| p.map(|p| (p, text)))
            .collect(),
    )?;
    Ok(if run.unexplained() > 0 {
        ExitCode::from(3)
    } else if run.interrupted && interrupt::requested() {
        ExitCode::from(interrupt::EXIT_CODE)
    } else {
        ExitCode::SUCCESS
    })
}

/// The runtimes to fuzz: those named (checked), or every configuration built in.
fn fuzz_runtimes(named: &[String]) -> Result<Vec<String>> {
    compare::check_runtime_names(named)?;
    Ok(if named.is_empty() {
        module::default_candidates()
    } else {
        named.to_vec()
    })
}

fn print_replay(replayed: &fuzz::Replayed) -> ExitCode {
    for (name, answer) in &replayed.answers {
        let mark = if replayed.dissenters.contains(name) {
            "DIFFERS"
        } else {
            ""
        };
        println!("{name:<20} {mark:<8} {}", answer.summary());
    }
    for (name, why) in &replayed.not_hosted {
        println!("{name:<20} not fuzzed: {why}");
    }
    let crashed = replayed
        .answers
        .iter()
        .any(|(_, a)| matches!(a, fuzz::Answer::Crashed { .. }));
    if replayed.dissenters.is_empty() && !crashed {
        println!("every runtime agrees");
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    }
}

fn clock_seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}
