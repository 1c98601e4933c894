//! What this process costs, read from the OS: resident memory (`VmRSS`), CPU time of the whole
//! process (`getrusage`) and of each thread (`/proc/self/task/*/schedstat`). For `k1 soak`
//! (memory must stay flat) and `k1 bench cpu` (CPU share of one core). Linux only: elsewhere
//! each reading is `None` and the commands say so.

use std::time::Duration;

/// Resident memory of this process in bytes (`VmRSS` in `/proc/self/status`).
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_rss(&status)
}

/// The `VmRSS:` line of a `/proc/<pid>/status` text, in bytes.
fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let mut words = line.split_whitespace().skip(1);
    let value: u64 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") | None => value.checked_mul(1024),
        Some(_) => None,
    }
}

/// User plus system CPU time used by the whole process so far (every thread, live or joined).
#[cfg(target_os = "linux")]
pub fn process_cpu() -> Option<Duration> {
    // SAFETY: `usage` is a plain C struct that getrusage fills in; zeroed is a valid value of it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF with a valid pointer to a `rusage` owned by this frame.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return None;
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).ok()?)
            .checked_add(Duration::from_micros(u64::try_from(t.tv_usec).ok()?))
    };
    tv(usage.ru_utime)?.checked_add(tv(usage.ru_stime)?)
}

/// Process CPU time is only read on Linux.
#[cfg(not(target_os = "linux"))]
pub fn process_cpu() -> Option<Duration> {
    None
}

/// One thread's CPU time so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadCpu {
    /// The kernel's thread id.
    pub tid: u32,
    /// The thread's name (`comm`).
    pub name: String,
    /// Time it has run on a CPU.
    pub cpu: Duration,
}

/// CPU time of every live thread of this process, from `/proc/self/task/*/schedstat`
/// (nanoseconds on the CPU); empty where that is not available.
pub fn thread_cpu() -> Vec<ThreadCpu> {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    let mut threads: Vec<ThreadCpu> = dir
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let tid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let path = entry.path();
            let name = std::fs::read_to_string(path.join("comm")).ok()?;
            let schedstat = std::fs::read_to_string(path.join("schedstat")).ok()?;
            let ns: u64 = schedstat.split_whitespace().next()?.parse().ok()?;
            Some(ThreadCpu {
                tid,
                name: name.trim().to_string(),
                cpu: Duration::from_nanos(ns),
            })
        })
        .collect();
    threads.sort_by_key(|t| t.tid);
    threads
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_vm_rss() {
        let status = "Name:\tk1\nVmPeak:\t  9000 kB\nVmRSS:\t    5120 kB\nThreads:\t4\n";
        assert_eq!(parse_vm_rss(status), Some(5120 * 1024));
        assert_eq!(parse_vm_rss("Name:\tk1\n"), None);
        assert_eq!(parse_vm_rss("VmRSS:\tlots kB\n"), None);
        assert_eq!(parse_vm_rss("VmRSS:\t12 MB\n"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_memory_and_cpu_time() {
        assert!(resident_bytes().is_some_and(|b| b > 100_000));
        let before = process_cpu().unwrap();
        let t = std::time::Instant::now();
        let mut x = 0u64;
        while t.elapsed() < Duration::from_millis(30) {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        assert!(process_cpu().unwrap() > before);
        let threads = thread_cpu();
        assert!(!threads.is_empty());
        assert!(threads.iter().any(|t| t.cpu > Duration::ZERO));
    }
}
