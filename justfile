# Build the runner once, then compare every runtime built in against native code.
# Reports land in results/ (JSON with every raw sample, markdown, CSV).
# Profile release-lto (fat LTO, codegen-units = 1, host and guest); why: README, "Build profile".
compare-all *ARGS:
    cargo build --profile release-lto --locked -p runner
    ./target/release-lto/plugbench compare --json results/results.json --markdown results/report.md --csv results/results.csv {{ARGS}}

# The test suite, exactly as CI runs it.
test:
    cargo test --release --workspace --locked

# Rebuild the reports from the last saved run without measuring again.
report:
    ./target/release-lto/plugbench report results/results.json --markdown results/report.md --csv results/results.csv

list:
    cargo run --release --locked -p runner -- list
