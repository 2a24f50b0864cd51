//! What the machine is doing besides plugbench, from the kernel's counters: a look before
//! measuring (plugbench idle), and a watch over the measurement that leaves out plugbench's
//! own and its workers' CPU time. Linux only; elsewhere every figure is `None`.

use std::time::Duration;

use plugbench_data::MachineActivity;

/// How long plugbench looks at the idle machine before measuring.
pub const LOOK: Duration = Duration::from_secs(1);

/// The cores' time so far, in clock ticks, from `/proc/stat`'s first line.
#[derive(Clone, Copy)]
struct CpuTimes {
    busy: f64,
    steal: f64,
    total: f64,
}

fn cpu_times() -> Option<CpuTimes> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<f64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    // user nice system idle iowait irq softirq steal (guest time is inside user and nice)
    let [user, nice, system, idle, iowait, irq, softirq, steal] = *fields.get(..8)? else {
        return None;
    };
    Some(CpuTimes {
        busy: user + nice + system + irq + softirq,
        steal,
        total: user + nice + system + idle + iowait + irq + softirq + steal,
    })
}

/// plugbench's and its waited-for workers' CPU time so far, in clock ticks.
fn own_ticks() -> f64 {
    let seconds = |who| {
        // SAFETY: getrusage fills the struct it is given and nothing else.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(who, &mut usage) } != 0 {
            return 0.0;
        }
        let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        s(usage.ru_utime) + s(usage.ru_stime)
    };
    // SAFETY: sysconf has no preconditions.
    let ticks_per_s = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    (seconds(libc::RUSAGE_SELF) + seconds(libc::RUSAGE_CHILDREN)) * ticks_per_s
}

/// Other processes' share and the stolen share of the cores' time between two readings.
fn shares(from: (CpuTimes, f64), to: (CpuTimes, f64)) -> Option<(f64, f64)> {
    let total = to.0.total - from.0.total;
    if total <= 0.0 {
        return None;
    }
    let others = (to.0.busy - from.0.busy) - (to.1 - from.1);
    Some((
        (others / total).clamp(0.0, 1.0),
        ((to.0.steal - from.0.steal) / total).clamp(0.0, 1.0),
    ))
}

fn reading() -> Option<(CpuTimes, f64)> {
    Some((cpu_times()?, own_ticks()))
}

/// A watch started before measuring: [`Watch::finish`] gives the whole activity.
pub struct Watch {
    activity: MachineActivity,
    start: Option<(CpuTimes, f64)>,
}

/// Looks at the machine for `look` with plugbench idle, then starts watching.
pub fn watch(look: Duration) -> Watch {
    let before = reading();
    std::thread::sleep(look);
    let start = reading();
    let idle = before.zip(start).and_then(|(a, b)| shares(a, b));
    Watch {
        activity: MachineActivity {
            load_average: load_average(),
            busy_before: idle.map(|s| s.0),
            steal_before: idle.map(|s| s.1),
            look_s: look.as_secs_f64(),
            governor: first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"),
            clocksource: first_line(
                "/sys/devices/system/clocksource/clocksource0/current_clocksource",
            ),
            ..MachineActivity::default()
        },
        start,
    }
}

impl Watch {
    /// The activity before and since the watch started (workers must have been waited for).
    pub fn finish(self) -> MachineActivity {
        let during = self.start.zip(reading()).and_then(|(a, b)| shares(a, b));
        MachineActivity {
            others_during: during.map(|s| s.0),
            steal_during: during.map(|s| s.1),
            ..self.activity
        }
    }
}

fn load_average() -> Option<f64> {
    first_line("/proc/loadavg")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn first_line(path: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.lines().next()?.trim().to_string()).filter(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(busy: f64, steal: f64, total: f64) -> CpuTimes {
        CpuTimes { busy, steal, total }
    }

    #[test]
    fn plugbench_s_own_time_is_not_counted_as_others() {
        let (others, steal) = shares(
            (times(100.0, 0.0, 1000.0), 50.0),
            (times(300.0, 20.0, 1200.0), 200.0),
        )
        .unwrap();
        // 200 ticks busy, 150 of them plugbench's, over 200 ticks of the cores' time.
        assert!((others - 0.25).abs() < 1e-12, "{others}");
        assert!((steal - 0.10).abs() < 1e-12, "{steal}");
    }

    #[test]
    fn no_time_passed_gives_no_share() {
        let t = (times(1.0, 0.0, 10.0), 0.0);
        assert!(shares(t, t).is_none());
    }

    #[test]
    fn this_machine_s_counters_read_as_shares() {
        // The kernel counts in ticks of 10 ms: each span must hold a few.
        let watch = watch(Duration::from_millis(100));
        std::thread::sleep(Duration::from_millis(100));
        let activity = watch.finish();
        if cfg!(target_os = "linux") {
            for share in [activity.busy_before, activity.others_during] {
                let share = share.expect("Linux has /proc/stat");
                assert!((0.0..=1.0).contains(&share), "{share}");
            }
            assert!(activity.load_average.is_some());
        }
    }
}
