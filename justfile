# Build the runner once, then the full comparison: every kernel at four sizes on every
# runtime and natively, plus each runtime's sandbox guards on the seed kernel, the kernels as
# components beside the byte ABI and extism (docs/method.md, "Plugin interface"), which
# WebAssembly proposals each runtime runs, and a host under load on `webhook` at size 10 and
# the seed kernel at size 100 (docs/method.md, "A host under load").
# Reports land in results/ (JSON with every raw sample, markdown with SVG charts, CSV).
# The measurement build in target/bench/ (scripts/build-workers): `plugbench` and the native and
# interpreter workers with fat LTO, the compiled runtimes' workers with thin LTO (why:
# docs/calibration.md, "Build profile" and "Build time"). wasmer's LLVM compiler needs LLVM 22,
# installed first where it is missing. The kernels are core modules, so the engines are built
# without the WASI layers that would slow their calls (docs/calibration.md, "WASI built in");
# the kernels' components (the "Plugin interface" section, `--interface`) run in a wasmtime worker
# built apart with the component model. The report's environment names each build's settings.
compare-all *ARGS:
    bash scripts/build-workers
    ./target/bench/plugbench compare --kernel all --sizes 10,100,1000,7000 --budget 4 --sandbox --gap --interface --proposals --load webhook@10,pairwise-json@100 --json results/results.json --markdown results/report.md --csv results/results.csv {{ARGS}}

# A plugin host under load: every runtime serving `webhook` events at size 10 on 1 and every
# power of two up to the cores, an instance per event and pooled (docs/method.md, "A host under
# load"), on a longer schedule than compare-all's.
load *ARGS:
    bash scripts/build-workers
    ./target/bench/plugbench load --kernel webhook --size 10 --json results/load.json --markdown results/load.md {{ARGS}}

# The seed kernel alone on every runtime: the measurement behind the precision and
# repeatability figures (docs/calibration.md). 90 s, not the default 45: at size 7000 the four
# interpreters take 0.3-1.4 s a call, and their first launches alone use about 40 s, which
# leaves the compiled runtimes no further launches to reach ±1% in.
compare-seed *ARGS:
    bash scripts/build-workers
    ./target/bench/plugbench compare --budget 90 --json results/seed.json --markdown results/seed.md --csv results/seed.csv {{ARGS}}

# Differential fuzzing of every runtime: 10,000 modules (docs/fuzzing.md).
fuzz *ARGS:
    bash scripts/install-packages
    cargo build --release --locked -p runner --features wasmer-llvm
    ./target/release/plugbench fuzz --modules 10000 --json results/fuzz.json --markdown results/fuzz.md {{ARGS}}

# Differential fuzzing with every proposal wasm-smith knows (GC, exceptions, memory64, ...):
# 100,000 modules through inspect's readers, the call planner and every runtime
# (docs/fuzzing.md, "Every proposal").
fuzz-proposals *ARGS:
    bash scripts/install-packages
    cargo build --release --locked -p runner --features wasmer-llvm
    ./target/release/plugbench fuzz --all-proposals --modules 100000 --json results/fuzz-proposals.json --markdown results/fuzz-proposals.md --out results/fuzz-proposals {{ARGS}}

# The example plugins (examples/) built to target/examples/, and one measured: the walk-through
# of the README's "Measure your own plugin".
example *ARGS:
    bash scripts/build-examples
    bash scripts/build-workers
    ./target/bench/plugbench compare --module target/examples/word-freq.wasm --native target/examples/word-freq.so --input docs --budget 10 --json results/example.json --markdown results/example.md {{ARGS}}

# The test suite, exactly as CI runs it.
test:
    bash scripts/install-packages
    cargo test --release --workspace --locked --features runner/wasmer-llvm,minimal-hosts/host-wasmer-llvm

# Rebuild the reports from the last saved run without measuring again.
report:
    ./target/bench/plugbench report results/results.json --markdown results/report.md --csv results/results.csv

list:
    cargo run --release --locked -p runner -- list
