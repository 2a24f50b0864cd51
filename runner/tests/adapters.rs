//! Every adapter built in runs the kernel on a small input and matches native output;
//! broken modules and bad input are errors, not panics.

mod common;

use common::registry;
use runtimes::{Guard, GuardSupport, GuestFormat, Program, Runtime, RuntimeError, KERNELS};

/// Every runtime of the registry, guarded variants included, with its name.
fn each_runtime() -> Vec<(String, Box<dyn Runtime>)> {
    registry::all()
        .into_iter()
        .map(|e| {
            let rt = registry::create(&e.name).unwrap_or_else(|err| panic!("{}: {err}", e.name));
            (e.name, rt)
        })
        .collect()
}

/// Every adapter has a worker binary beside `plugbench`, apart from one that needs a system
/// library, which says how to build it in; `plugbench list` names each configuration's worker.
#[test]
fn every_configuration_is_served_by_its_worker() {
    let expected = [
        ("native", "plugbench-worker-native"),
        ("wasmtime", "plugbench-worker-wasmtime"),
        ("wasmtime-winch", "plugbench-worker-wasmtime"),
        ("wasmtime-pulley", "plugbench-worker-wasmtime"),
        ("wasmtime-pooling", "plugbench-worker-wasmtime"),
        ("wasmtime-no-signals", "plugbench-worker-wasmtime"),
        ("wasmtime-43", "plugbench-worker-wasmtime43"),
        ("wasmer-cranelift", "plugbench-worker-wasmer"),
        ("wasmer-singlepass", "plugbench-worker-wasmer"),
        ("wasmer-llvm", "plugbench-worker-wasmer-llvm"),
        ("wasmi", "plugbench-worker-wasmi"),
        ("wasmi-lazy", "plugbench-worker-wasmi"),
        ("wasmi-eager", "plugbench-worker-wasmi"),
        ("tinywasm", "plugbench-worker-tinywasm"),
        ("extism", "plugbench-worker-extism"),
    ];
    // Configurations measured only when asked for (or with the "Plugin interface" section).
    let on_request = [
        ("wasmtime-component", "plugbench-worker-wasmtime-component"),
        ("wasmi-0.31", "plugbench-worker-wasmi031"),
        ("wasmi-0.31-component", "plugbench-worker-wasmi031"),
    ];
    let listed = common::plugbench().arg("list").assert().success();
    let listed = String::from_utf8_lossy(&listed.get_output().stdout).to_string();
    let row = |name: &str| {
        listed.lines().find(|l| {
            l.split('┆')
                .next()
                .is_some_and(|c| c.trim_matches(['│', ' ']) == name)
        })
    };
    for (name, worker) in expected.iter().chain(&on_request) {
        match row(name) {
            Some(line) => assert!(line.contains(worker), "{name}: {line}"),
            None => {
                let missing = format!("not here: {worker}:");
                let line = listed.lines().find(|l| l.starts_with(&missing));
                assert!(
                    line.is_some_and(|l| l.contains("--features")),
                    "{name} is neither listed nor missing with how to build it:\n{listed}"
                );
            }
        }
    }
    let mut defaults = registry::default_names();
    defaults.sort();
    let mut names: Vec<&str> = expected.iter().map(|(name, _)| *name).collect();
    names.sort();
    assert_eq!(
        defaults, names,
        "every adapter's configurations in this test build"
    );
    assert_eq!(registry::baseline_name().as_deref(), Some("native"));
}

#[test]
fn every_guard_of_every_runtime_is_measured_or_explained() {
    let support = registry::sandbox_support();
    let baseline = registry::baseline_name();
    for runtime in registry::default_names()
        .iter()
        .filter(|n| Some(n.as_str()) != baseline.as_deref())
    {
        for &guard in Guard::ALL {
            let s = support
                .iter()
                .find(|s| &s.runtime == runtime && s.guard == guard)
                .unwrap_or_else(|| panic!("{runtime} says nothing about {guard}"));
            match (&s.variant, &s.support) {
                (Some(variant), GuardSupport::Offered { how }) => {
                    assert_eq!(*variant, guard.variant_of(runtime));
                    assert!(!how.is_empty());
                    assert!(registry::create(variant).is_ok(), "{variant}");
                }
                (None, GuardSupport::NotOffered { why }) => assert!(!why.is_empty()),
                other => panic!("{runtime} {guard}: {other:?}"),
            }
        }
    }
    // Every variant in the registry is one of the offered guards above, and no other.
    let variants: Vec<_> = registry::all()
        .into_iter()
        .filter(|e| e.guard.is_some())
        .collect();
    assert_eq!(
        variants.len(),
        support.iter().filter(|s| s.support.is_offered()).count()
    );
}

#[test]
fn every_runtime_matches_native_on_every_kernel() {
    for kernel in KERNELS {
        for size in [0, 1, 57] {
            let input = (kernel.make_input)(size, 3);
            let expected = kernel.expected_output(&input).unwrap();
            for (name, rt) in each_runtime() {
                let info = rt.info();
                if !info.guest.available(kernel) {
                    continue; // the gap builds exist for the gap kernels only
                }
                let compiled = rt
                    .compile(&Program::Kernel(kernel), info.guest.artifact(kernel), None)
                    .unwrap();
                let mut instance = compiled.instantiate().unwrap();
                // Twice on one instance: the second call must not see state from the first.
                for _ in 0..2 {
                    let output = instance
                        .call(&input)
                        .unwrap_or_else(|e| panic!("{}: {e}", name));
                    (kernel.verify)(&expected, &output)
                        .unwrap_or_else(|e| panic!("{} on {} size {size}: {e}", name, kernel.name));
                }
            }
        }
    }
}

#[test]
fn core_module_runtimes_load_identical_bytes() {
    let core: Vec<_> = each_runtime()
        .iter()
        .map(|(_, r)| r.info())
        .filter(|i| i.guest == GuestFormat::CoreModule)
        .collect();
    assert!(core.len() > 1, "{core:?}");
    for kernel in KERNELS {
        assert!(core
            .iter()
            .all(|i| std::ptr::eq(i.guest.artifact(kernel), kernel_embed::core_module(kernel))));
    }
}

#[test]
fn a_broken_module_is_a_compile_error() {
    let kernel = &KERNELS[0];
    for (name, rt) in each_runtime()
        .iter()
        .filter(|(_, r)| r.info().guest != GuestFormat::Native)
    {
        for bytes in [&b"\0asm\x01\0\0\0garbage"[..], b"", b"not wasm at all"] {
            match rt.compile(&Program::Kernel(kernel), bytes, None) {
                Err(RuntimeError::Compile(msg)) => assert!(!msg.is_empty()),
                Err(other) => panic!("{name}: expected a compile error, got {other}"),
                Ok(_) => panic!("{name}: compiled garbage"),
            }
        }
    }
}

#[test]
fn invalid_input_is_reported_by_the_kernel_not_a_crash() {
    let bad_inputs = [
        ("pairwise-json", &b"{not json"[..]),
        ("pairwise-raw", b"123"),
    ];
    for (name, bad) in bad_inputs {
        let kernel = runtimes::KERNELS.iter().find(|k| k.name == name).unwrap();
        invalid_input_leaves_a_usable_instance(kernel, bad);
    }
}

fn invalid_input_leaves_a_usable_instance(kernel: &'static runtimes::Kernel, bad: &[u8]) {
    for (name, rt) in each_runtime() {
        let info = rt.info();
        if !info.guest.available(kernel) {
            continue;
        }
        let mut instance = rt
            .compile(&Program::Kernel(kernel), info.guest.artifact(kernel), None)
            .unwrap()
            .instantiate()
            .unwrap();
        let err = instance.call(bad).unwrap_err();
        assert!(
            matches!(err, RuntimeError::Guest(_) | RuntimeError::Call(_)),
            "{}: {err}",
            name
        );
        // The instance is still usable afterwards.
        let input = (kernel.make_input)(5, 1);
        let out = instance.call(&input).unwrap();
        (kernel.verify)(&kernel.expected_output(&input).unwrap(), &out).unwrap();
    }
}

#[test]
fn artifacts_round_trip_where_supported() {
    let kernel = &KERNELS[0];
    let input = (kernel.make_input)(40, 9);
    let expected = kernel.expected_output(&input).unwrap();
    for (name, rt) in each_runtime() {
        let info = rt.info();
        let compiled = rt
            .compile(&Program::Kernel(kernel), info.guest.artifact(kernel), None)
            .unwrap();
        match compiled.serialize() {
            Ok(artifact) => {
                assert!(
                    info.supports_artifacts,
                    "{} serialized but says it cannot",
                    name
                );
                let loaded = rt.load(&Program::Kernel(kernel), &artifact).unwrap();
                let out = loaded.instantiate().unwrap().call(&input).unwrap();
                (kernel.verify)(&expected, &out).unwrap();
            }
            Err(RuntimeError::Unsupported) => {
                assert!(
                    !info.supports_artifacts,
                    "{} claims artifacts but has none",
                    name
                );
                assert_eq!(
                    rt.load(&Program::Kernel(kernel), b"x").err(),
                    Some(RuntimeError::Unsupported)
                );
            }
            Err(e) => panic!("{}: {e}", name),
        }
    }
}

#[test]
fn every_runtime_reports_a_version_and_configuration() {
    for (_, rt) in each_runtime() {
        let info = rt.info();
        assert!(
            !info.crate_version.is_empty() && !info.config.is_empty(),
            "{info:?}"
        );
        if !matches!(
            info.guest,
            GuestFormat::Native | GuestFormat::NativeLibrary { .. }
        ) {
            // A real semver from Cargo.lock, e.g. 48.0.0.
            assert_eq!(info.crate_version.split('.').count(), 3, "{info:?}");
        }
    }
}

#[test]
fn a_runtime_cache_fills_on_the_first_compile_and_serves_the_second() {
    let kernel = &KERNELS[0];
    let input = (kernel.make_input)(40, 5);
    let expected = kernel.expected_output(&input).unwrap();
    let mut with_cache = Vec::new();
    for (name, rt) in each_runtime() {
        let info = rt.info();
        let dir = tempfile::tempdir().unwrap();
        match rt.compile(
            &Program::Kernel(kernel),
            info.guest.artifact(kernel),
            Some(dir.path()),
        ) {
            Err(RuntimeError::Unsupported) => continue,
            Err(e) => panic!("{}: {e}", name),
            Ok(_) => {}
        }
        assert!(
            walk(dir.path()) >= 1,
            "{}: the cache directory stayed empty",
            name
        );
        let second = rt
            .compile(
                &Program::Kernel(kernel),
                info.guest.artifact(kernel),
                Some(dir.path()),
            )
            .unwrap();
        let out = second.instantiate().unwrap().call(&input).unwrap();
        (kernel.verify)(&expected, &out).unwrap();
        with_cache.push(name);
    }
    // Some runtime has a cache, and a guard never takes a configuration's cache away.
    assert!(!with_cache.is_empty());
    for entry in registry::all() {
        let cached = |n: &str| with_cache.iter().any(|c| c == n);
        assert_eq!(
            cached(&entry.name),
            cached(&entry.configuration),
            "{}",
            entry.name
        );
    }
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(
            |p| match (p.is_dir(), p.extension().and_then(|e| e.to_str())) {
                (true, _) => walk(&p),
                // extism's cache configuration file, not a cache entry
                (false, Some("toml")) => 0,
                (false, _) => 1,
            },
        )
        .sum()
}

/// The memory-limit guards are real: a guest that must grow past the cap fails with an error
/// (not a crash), while the same runtime without the guard serves the same call.
#[test]
fn a_memory_limit_stops_a_guest_that_outgrows_it() {
    let kernel = KERNELS.iter().find(|k| k.name == "echo").unwrap();
    // Input and output copies both live in guest memory: well past the cap together.
    let input = vec![7u8; runtimes::MEMORY_LIMIT_BYTES / 2 + (16 << 20)];
    let limited: Vec<_> = registry::sandbox_support()
        .into_iter()
        .filter(|s| s.guard == Guard::MemoryLimit && s.support.is_offered())
        .collect();
    assert!(!limited.is_empty());
    for s in limited {
        let variant = s.variant.expect("offered");
        for (name, capped) in [(variant.as_str(), true), (s.runtime.as_str(), false)] {
            let rt = registry::create(name).unwrap();
            let compiled = rt
                .compile(
                    &Program::Kernel(kernel),
                    rt.info().guest.artifact(kernel),
                    None,
                )
                .unwrap();
            let mut instance = compiled.instantiate().unwrap();
            let out = instance.call(&input);
            if capped {
                assert!(out.is_err(), "{name} let the guest grow past the limit");
            } else if rt.info().guest == GuestFormat::Component {
                // A component call copies at most 128 MiB between host and guest by default
                // (wasmtime's hostcall fuel): this input is more, guard or no guard.
                let error = out.unwrap_err().to_string();
                assert!(
                    error.contains("too much data is being copied"),
                    "{name}: {error}"
                );
            } else {
                assert_eq!(out.unwrap().len(), input.len(), "{name}");
            }
        }
    }
}

/// Every configuration that says it runs the SIMD guest runs it and matches native on each
/// gap kernel; every one that says it does not really cannot load it. The SIMD module is not
/// the plain one.
#[test]
fn simd_guests_run_where_offered_and_fail_where_not() {
    let input_of = |kernel: &runtimes::Kernel| (kernel.make_input)(50, 1);
    for &name in kernel_wasm_gap_kernels() {
        let kernel = kernel_embed::kernel(name).unwrap();
        let simd = GuestFormat::CoreModuleSimd.artifact(kernel);
        assert_ne!(simd, GuestFormat::CoreModule.artifact(kernel), "{name}");
        let expected = kernel.expected_output(&input_of(kernel)).unwrap();
        for (configuration, support) in registry::simd_support() {
            let entry = match &support {
                Ok(variant) => registry::all()
                    .into_iter()
                    .find(|e| &e.name == variant)
                    .unwrap(),
                Err(_) => registry::all()
                    .into_iter()
                    .find(|e| e.name == configuration)
                    .unwrap(),
            };
            let rt = registry::create(&entry.name).unwrap();
            if rt.info().guest == GuestFormat::PdkPlugin {
                continue;
            }
            let outcome = rt
                .compile(&Program::Kernel(kernel), simd, None)
                .and_then(|c| c.instantiate())
                .and_then(|mut i| i.call(&input_of(kernel)));
            match (support, outcome) {
                (Ok(_), Ok(output)) => (kernel.verify)(&expected, &output)
                    .unwrap_or_else(|e| panic!("{configuration} {name}: {e}")),
                (Err(_), Err(_)) => {}
                (support, outcome) => panic!(
                    "{configuration} {name}: says {support:?}, got {:?}",
                    outcome.map(|o| o.len())
                ),
            }
        }
    }
}

fn kernel_wasm_gap_kernels() -> &'static [&'static str] {
    kernel_embed::GAP_KERNELS
}

/// Every Wasm configuration has a variant that loads every kernel in one module (one plugin
/// for a runtime that loads plugins), whose bytes are not the kernel's own module. That each
/// matches native on every kernel is `every_runtime_matches_native_on_every_kernel`.
#[test]
fn every_wasm_configuration_has_a_variant_with_every_kernel_in_one_module() {
    let support = registry::shared_support();
    assert!(support.len() > 1, "{support:?}");
    for (configuration, variant) in support {
        let own = registry::create(&configuration).unwrap().info().guest;
        let shared = registry::create(&variant).unwrap().info().guest;
        let expected = match own {
            GuestFormat::PdkPlugin => GuestFormat::PdkPluginShared,
            _ => GuestFormat::CoreModuleShared,
        };
        assert_eq!(shared, expected, "{variant}");
        for kernel in KERNELS {
            assert_ne!(
                shared.artifact(kernel),
                own.artifact(kernel),
                "{variant} {}",
                kernel.name
            );
        }
    }
}
