//! One task per cache that opens each role's advisory window on time.
//!
//! A heap of (instant, entry) pairs instead of a sleeping task per role keeps the cost per
//! cached role to one heap slot.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::cache::Shared;
use super::clock::COARSE_LAG;
use super::entry::RoleEntry;

/// A role entry and when its advisory window opens.
type Deadline = (Instant, Weak<RoleEntry>);

struct Due {
    at: Instant,
    seq: u64,
    entry: Weak<RoleEntry>,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl Eq for Due {}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Due {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// Sends refresh deadlines to the cache's scheduler task, starting it on the current runtime
/// when there is none (or the runtime it ran on has shut down).
#[derive(Debug, Default)]
pub(crate) struct Scheduler {
    sender: Mutex<Option<mpsc::UnboundedSender<Deadline>>>,
}

impl Scheduler {
    pub(crate) fn schedule(&self, entry: &Arc<RoleEntry>, shared: &Arc<Shared>, at: Instant) {
        let Ok(mut sender) = self.sender.lock() else {
            return;
        };
        let mut message = (at, Arc::downgrade(entry));
        if let Some(tx) = sender.as_ref() {
            match tx.send(message) {
                Ok(()) => return,
                Err(mpsc::error::SendError(returned)) => message = returned,
            }
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // No runtime: requests in the advisory window start refreshes themselves.
            *sender = None;
            return;
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let _ = tx.send(message);
        runtime.spawn(run(rx, Arc::downgrade(shared)));
        *sender = Some(tx);
    }
}

async fn run(mut rx: mpsc::UnboundedReceiver<Deadline>, shared: Weak<Shared>) {
    let mut heap: BinaryHeap<Reverse<Due>> = BinaryHeap::new();
    let mut seq = 0_u64;
    loop {
        let next = heap.peek().map(|Reverse(due)| due.at);
        let received = match next {
            Some(at) => tokio::select! {
                message = rx.recv() => Some(message),
                // Past the deadline by the coarse clock's lag, so the cache's clock has
                // reached it too.
                () = tokio::time::sleep_until(at + COARSE_LAG) => None,
            },
            None => Some(rx.recv().await),
        };
        match received {
            // The cache is gone.
            Some(None) => return,
            Some(Some((at, entry))) => {
                seq += 1;
                heap.push(Reverse(Due { at, seq, entry }));
            }
            None => {
                let Some(shared) = shared.upgrade() else {
                    return;
                };
                // A wakeup is also the registry's chance to sweep idle roles when nothing
                // looks roles up (every client holds its role's entry).
                shared.sweep_if_due();
                let now = shared.clock.now();
                while let Some(Reverse(due)) = heap.peek() {
                    if due.at > now {
                        break;
                    }
                    if let Some(Reverse(due)) = heap.pop()
                        && let Some(entry) = due.entry.upgrade()
                    {
                        entry.refresh_if_used(&shared);
                    }
                }
            }
        }
    }
}
