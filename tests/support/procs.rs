//! Engines and apps are stopped the way their operators stop them. Each server a test starts
//! leads its own process group, so the workers it forks (Apache's children run as `nobody`,
//! nginx's workers, a runtime's helpers) can be found and stopped with it; killing only the
//! parent leaves them running with parent 1, holding memory and ports after the suite ends.
//!
//! Stopping sends the engine's graceful signal to the whole group (nginx: SIGQUIT, Apache:
//! SIGTERM, apps: SIGTERM), waits a bounded time, then SIGKILLs whatever is left, reaps the
//! parent, and asserts that the group is empty: a leftover process fails the test that
//! started it.

use std::os::unix::process::CommandExt as _;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Makes the command the leader of a new process group (its pid is the group id).
pub fn own_group(cmd: &mut Command) -> &mut Command {
    cmd.process_group(0)
}

/// Sends `signal` (a name such as `QUIT`) to every process of group `pgid`.
fn signal_group(pgid: u32, signal: &str) {
    let _ = Command::new("kill")
        .args(["-s", signal, "--", &format!("-{pgid}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

/// The processes whose process group is `pgid`, read from `/proc` (zombies included: a
/// zombie is a process nobody reaped).
pub fn members(pgid: u32) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses, so read
        // the fields after the last `)`.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(2).and_then(|g| g.parse::<u32>().ok()) == Some(pgid) {
            out.push(pid);
        }
    }
    out
}

/// Stops the group `child` leads: `graceful` first, SIGKILL after `grace`, then reaps the
/// leader and waits (bounded) for the rest to disappear. Returns the pids still in the group
/// at the end, which should be none.
pub fn stop_group(child: &mut Child, graceful: &str, grace: Duration) -> Vec<u32> {
    let pgid = child.id();
    if matches!(child.try_wait(), Ok(None)) {
        signal_group(pgid, graceful);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    // Whatever did not stop in time, and workers whose parent exited without them.
    signal_group(pgid, "KILL");
    let _ = child.kill();
    let _ = child.wait();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = members(pgid);
        if left.is_empty() || Instant::now() > deadline {
            return left;
        }
        signal_group(pgid, "KILL");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// [`stop_group`] for `Drop`: fails the test if a process of the group is left, unless the
/// thread is already failing (a second panic would abort the whole test binary).
pub fn stop_on_drop(child: &mut Child, graceful: &str, what: &str) {
    let left = stop_group(child, graceful, Duration::from_secs(5));
    if !left.is_empty() && !std::thread::panicking() {
        panic!(
            "{what}: processes {left:?} of group {} outlived the stop",
            child.id()
        );
    }
}
