//! plugbench's runner: the CLI, the worker processes and the measurement schedule.

pub mod answer;
pub mod catalog;
pub mod checks;
pub mod cli;
pub mod compare;
pub mod count;
pub mod environment;
pub mod failure;
pub mod fault;
pub mod fuzz;
pub mod interrupt;
pub mod layout;
pub mod load;
pub mod machine;
pub mod measure;
pub mod memory;
pub mod module;
pub mod process;
pub mod progress;
pub mod proposals;
pub mod protocol;
pub mod subject;
pub mod worker;
pub mod worker_call;
pub mod worker_main;
pub mod workload;
