//! Operator work across accounts: assume a role in another account with cached credentials.
//!
//! An operator (a platform team's job, an Organizations-wide task) works outside the data
//! scopes, in other AWS accounts, through `sts:AssumeRole`. The factory hands out operator
//! clients that sign with the role's credentials from its cache: the first request assumes the
//! role, later ones reuse the credentials until shortly before they expire, and a refresh runs
//! in the background so no request waits on STS.
//!
//! Run it with `bash scripts/with-moto.sh cargo run -p scoped-examples --example operator` (moto
//! keeps separate state per account, so the role's account really is another one), or let
//! `bash scripts/test.sh` run it with every other example.

use std::error::Error;
use std::time::{Duration, Instant};

use scoped_runtime::{AwsClientFactory, OperatorRole};

/// The account the operator role lives in: not the factory's own.
const TARGET_ACCOUNT: &str = "210987654321";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    if std::env::var_os("AWS_ENDPOINT_URL").is_none() {
        return Err("AWS_ENDPOINT_URL is not set; run this example through \
                    `bash scripts/with-moto.sh`, which starts moto and sets it"
            .into());
    }
    let factory = AwsClientFactory::from_env().await?;
    let own = factory
        .operator_sts()
        .raw()
        .get_caller_identity()
        .send()
        .await?;
    println!("factory's own account:  {}", own.account().unwrap_or("?"));

    let role = OperatorRole::new(
        format!("arn:aws:iam::{TARGET_ACCOUNT}:role/org-inventory"),
        "inventory-sync",
    )?
    .with_external_id("scoped-example")?
    .with_duration(Duration::from_secs(15 * 60))?;
    let operator = factory.operator(&role);

    let identity = operator.sts().raw().get_caller_identity().send().await?;
    println!(
        "operator signs as:      {} ({})",
        identity.arn().unwrap_or("?"),
        identity.account().unwrap_or("?")
    );

    // Work in the other account: list its tables a few dozen times.
    let dynamodb = operator.dynamodb();
    let started = Instant::now();
    let mut tables = 0;
    for _ in 0..50 {
        tables = dynamodb
            .raw()
            .list_tables()
            .send()
            .await?
            .table_names()
            .len();
    }
    println!(
        "50 ListTables in {TARGET_ACCOUNT}: {tables} tables, {:?} in all",
        started.elapsed()
    );

    let stats = factory.credential_stats();
    println!(
        "credential cache:       {} STS call(s), {} hits, {} waited, {} refreshes, {} role(s) cached, \
         {} evicted idle, {} evicted for capacity",
        stats.sts_calls,
        stats.hits,
        stats.misses,
        stats.refreshes,
        stats.roles,
        stats.evicted_idle,
        stats.evicted_capacity
    );
    if stats.sts_calls != 1 {
        return Err(format!(
            "expected one AssumeRole for one role, saw {}",
            stats.sts_calls
        )
        .into());
    }
    Ok(())
}
