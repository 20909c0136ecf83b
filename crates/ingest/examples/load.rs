//! Loads one file and prints its report and the time taken:
//! `cargo run --release -p ingest --example load -- FILE`.

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: load FILE");
        std::process::exit(2);
    };
    let started = Instant::now();
    let result = ingest::read_path(
        path.as_ref(),
        &ingest::LoadOptions::default(),
        &mut |_, _| {},
    );
    let elapsed = started.elapsed();
    match result {
        Ok(loaded) => {
            eprint!("{}", loaded.report);
            eprintln!("{} batches in {elapsed:.2?}", loaded.batches.len());
        }
        Err(e) => {
            eprintln!("error after {elapsed:.2?}: {e}");
            std::process::exit(1);
        }
    }
}
