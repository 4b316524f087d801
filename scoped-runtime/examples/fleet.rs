//! What a fleet of processes asks of STS: the credential cache's real code on a simulated
//! clock, for P processes × T tenants over 6 simulated hours after a deploy (docs/scale.md).
//!
//! ```text
//! cargo run -p scoped-runtime --features test-util --example fleet            # the three fleets
//! cargo run -p scoped-runtime --features test-util --example fleet -- 100 1000 100
//! ```
//!
//! Arguments: processes, tenants, processes simulated (a sample: counts are scaled up).

use std::time::Instant;

use scoped_runtime::test_util::fleet::{FleetConfig, simulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|arg| arg.parse())
        .collect::<Result<_, _>>()?;
    let fleets = match args[..] {
        [] => vec![(100, 1_000, 100), (1_000, 1_000, 100), (1_000, 10_000, 10)],
        [processes, tenants, sampled] => vec![(processes, tenants, sampled)],
        _ => return Err("usage: fleet [processes tenants sampled_processes]".into()),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()?;
    for (processes, tenants, sampled) in fleets {
        let started = Instant::now();
        let report = runtime.block_on(simulate(FleetConfig::new(processes, tenants, sampled)));
        println!("{report}");
        println!("  simulated in {:.1?}\n", started.elapsed());
    }
    Ok(())
}
