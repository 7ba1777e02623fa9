//! Write synthetic product reports for `cargo sdl portfolio`, for its benchmark
//! (`scripts/bench-portfolio.sh`): N products × R releases, each a variation of one real
//! `report.json` (see `cargo_sdl::testing::synthetic_report`).
//!
//! `cargo run --release --example portfolio-inputs -- BASE.json N R OUT_DIR`
//! writes `OUT_DIR/product-NNNN-rR.json`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, n, r, out] = args.as_slice() else {
        eprintln!("usage: portfolio-inputs BASE.json N RELEASES OUT_DIR");
        return ExitCode::from(2);
    };
    let run = || -> Result<usize, Box<dyn std::error::Error>> {
        let base: serde_json::Value = serde_json::from_slice(&std::fs::read(base)?)?;
        let (n, r): (usize, usize) = (n.parse()?, r.parse()?);
        let out = PathBuf::from(out);
        std::fs::create_dir_all(&out)?;
        for product in 1..=n {
            for release in 1..=r {
                let report = cargo_sdl::testing::synthetic_report(&base, product, release);
                let path = out.join(format!("product-{product:04}-r{release}.json"));
                std::fs::write(path, serde_json::to_vec(&report)?)?;
            }
        }
        Ok(n * r)
    };
    match run() {
        Ok(written) => {
            eprintln!("wrote {written} reports");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
