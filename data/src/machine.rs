//! What the machine was doing around a measurement, as the kernel reports it: other processes'
//! use of the cores and time stolen by the hypervisor before and while measuring, the CPU
//! frequency governor and the clock source. The reports judge from it, and from the native
//! baseline's own samples, whether the machine was steady enough for the figures.

use serde::{Deserialize, Serialize};

/// Shares are fractions of all cores' time (0 to 1); `None` where the kernel does not say
/// (not Linux, or a file it does not expose).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MachineActivity {
    /// The 1-minute load average when plugbench started (it includes a build just finished,
    /// so it is shown, not judged).
    pub load_average: Option<f64>,
    /// Before measuring, over [`MachineActivity::look_s`] with plugbench idle: the share of
    /// the cores' time other processes used.
    pub busy_before: Option<f64>,
    /// Before measuring: the share of the cores' time the hypervisor gave to other guests.
    pub steal_before: Option<f64>,
    /// How long the look before measuring lasted, seconds.
    pub look_s: f64,
    /// While measuring: the share of the cores' time used by processes other than plugbench
    /// and its workers.
    pub others_during: Option<f64>,
    /// While measuring: the share stolen by the hypervisor.
    pub steal_during: Option<f64>,
    /// `cpufreq`'s scaling governor of the first CPU (`performance` holds the clock; others
    /// let it move with load); `None` where the kernel exposes none (as in most VMs).
    pub governor: Option<String>,
    /// The kernel's clock source (`tsc` reads in nanoseconds; `hpet` or `acpi_pm` cost
    /// microseconds a read, which short samples feel).
    pub clocksource: Option<String>,
}
