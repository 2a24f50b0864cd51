//! The proposals table: for each WebAssembly proposal, which runtimes ran its probe module,
//! which refused it at compile, and which did anything else (a wrong result, a trap, a crash),
//! in the terminal and in markdown.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use plugbench_data::{Proposal, ProposalSupport, Support};

use crate::exporters::table::draw_within;
use crate::first_seen;
use crate::rows::Grid;

/// One row per proposal: who runs it, who rejects it, who does anything else (each with its
/// label). A column naming every runtime says so in two words.
/// The table as a line per proposal (its cells name runtimes, too many for a table's width).
fn list(grid: &Grid) -> String {
    grid.rows
        .iter()
        .map(|row| {
            let parts: Vec<String> = grid.header[1..]
                .iter()
                .zip(&row[1..])
                .filter(|(_, cell)| *cell != "-")
                .map(|(title, cell)| format!("{}: {cell}", title.to_lowercase()))
                .collect();
            format!("- **{}**: {}\n", row[0], parts.join("; "))
        })
        .collect()
}

fn grid(table: &[ProposalSupport]) -> Grid {
    let runtimes = first_seen(table.iter().map(|s| s.runtime.as_str()));
    let probed: Vec<&str> = runtimes
        .iter()
        .copied()
        .filter(|r| {
            table
                .iter()
                .any(|s| s.runtime == *r && !matches!(s.support, Support::NotProbed { .. }))
        })
        .collect();
    let names = |list: Vec<String>| match list.len() {
        0 => "-".to_string(),
        n if n == probed.len() && n > 1 => "every runtime".to_string(),
        _ => list.join(", "),
    };
    let rows = first_seen(table.iter().map(|s| s.proposal))
        .into_iter()
        .map(|proposal| {
            let of = |keep: fn(&Support) -> bool| -> Vec<&ProposalSupport> {
                table
                    .iter()
                    .filter(|s| s.proposal == proposal && keep(&s.support))
                    .collect()
            };
            let runtime = |s: &&ProposalSupport| s.runtime.clone();
            let runs = of(|s| *s == Support::Runs);
            let rejected = of(|s| matches!(s, Support::Rejected { .. }));
            let other = of(|s| {
                !matches!(
                    s,
                    Support::Runs | Support::Rejected { .. } | Support::NotProbed { .. }
                )
            });
            vec![
                proposal_name(proposal),
                names(runs.iter().map(runtime).collect()),
                names(rejected.iter().map(runtime).collect()),
                names(
                    other
                        .iter()
                        .map(|s| format!("{} ({})", s.runtime, s.support.label()))
                        .collect(),
                ),
            ]
        })
        .collect();
    Grid {
        header: ["Proposal", "Runs", "Rejected at compile", "Other"]
            .map(String::from)
            .into(),
        rows,
    }
}

fn proposal_name(proposal: Proposal) -> String {
    match proposal.in_wasm_2() {
        true => format!("{proposal} (Wasm 2.0)"),
        false => proposal.to_string(),
    }
}

/// The runtimes that were not probed, with why (once each).
fn not_probed(table: &[ProposalSupport]) -> Vec<String> {
    first_seen(table.iter().filter_map(|s| match &s.support {
        Support::NotProbed { why } => Some(format!("{}: {why}", s.runtime)),
        _ => None,
    }))
}

/// Each answer that was not "runs", with its message, one line each.
fn details(table: &[ProposalSupport]) -> Vec<String> {
    table
        .iter()
        .filter(|s| !matches!(s.support, Support::Runs | Support::NotProbed { .. }))
        .map(|s| {
            format!(
                "{} on {}: {}: {}",
                s.proposal,
                s.runtime,
                s.support.label(),
                s.support.detail().unwrap_or_default()
            )
        })
        .collect()
}

/// The table for a terminal, with who was not probed and why.
pub fn terminal(table: &[ProposalSupport]) -> String {
    let mut out = draw_within(&grid(table), UTF8_FULL_CONDENSED, 120);
    out.push('\n');
    for line in not_probed(table) {
        out += &format!("Not probed: {line}\n");
    }
    out
}

/// The table as a markdown section under a heading of level `h`, each refusal's message in a
/// collapsed block.
pub fn markdown(table: &[ProposalSupport], h: &str) -> String {
    if table.is_empty() {
        return String::new();
    }
    let mut md = format!(
        "\n{h} Which proposals each runtime runs\n\nMeasured, not read from documentation: a small \
         module that needs the proposal (and returns 42 only if it works as specified) compiled, \
         instantiated and called on each runtime configuration, as configured here (`plugbench \
         list`: each engine's defaults), in a worker process of its own. A proposal an engine \
         has behind a setting it does not turn on by default shows as rejected.\n\n"
    );
    md += &list(&grid(table));
    for line in not_probed(table) {
        md += &format!("\nNot probed: {line}.\n");
    }
    let details = details(table);
    if !details.is_empty() {
        md += "\n<details><summary>Each refusal's message</summary>\n\n";
        for line in details {
            md += &format!("- {}\n", line.replace('|', "\\|"));
        }
        md += "\n</details>\n";
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(runtime: &str, proposal: Proposal, support: Support) -> ProposalSupport {
        ProposalSupport {
            runtime: runtime.into(),
            proposal,
            support,
        }
    }

    #[test]
    fn each_proposal_names_who_runs_rejects_or_fails_it() {
        let rejected = Support::Rejected {
            message: "gc support is not enabled".into(),
        };
        let table = vec![
            row("a", Proposal::Gc, Support::Runs),
            row("b", Proposal::Gc, rejected),
            row(
                "c",
                Proposal::Gc,
                Support::Crashed {
                    how: "SIGSEGV".into(),
                },
            ),
            row("a", Proposal::Simd, Support::Runs),
            row("b", Proposal::Simd, Support::Runs),
            row("c", Proposal::Simd, Support::Runs),
            row(
                "x",
                Proposal::Gc,
                Support::NotProbed {
                    why: "plugins only".into(),
                },
            ),
            row(
                "x",
                Proposal::Simd,
                Support::NotProbed {
                    why: "plugins only".into(),
                },
            ),
        ];
        let g = grid(&table);
        assert_eq!(g.rows[0], ["gc", "a", "b", "c (CRASHED)"]);
        assert_eq!(g.rows[1], ["simd (Wasm 2.0)", "every runtime", "-", "-"]);
        let md = markdown(&table, "##");
        assert!(md.contains("Not probed: x: plugins only."), "{md}");
        assert!(
            md.contains("- gc on b: rejected: gc support is not enabled"),
            "{md}"
        );
    }
}
