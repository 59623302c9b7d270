use ai_suite_e2e::local_suite::{self, Faults, LocalSuite};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let s = LocalSuite::start(local_suite::Options { port: 8080, faults: Faults::none(), ..Default::default() }).await?;
    println!("{}", s.url);
    tokio::signal::ctrl_c().await?;
    Ok(())
}
