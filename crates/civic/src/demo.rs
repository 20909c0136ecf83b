//! The demo portal's sample datasets, built into the binary so the demo
//! runs anywhere. Each is published once; a dataset already present is left
//! as it is, so starting the demo again changes nothing.

use anyhow::{Context, anyhow};
use serde::Deserialize;
use store::{Metadata, NewDataset, Store};

const CATALOG: &str = include_str!("../../../samples/catalog.toml");

const FILES: [(&str, &[u8]); 5] = [
    (
        "nypd_hate_crimes.csv",
        include_bytes!("../../../samples/nypd_hate_crimes.csv"),
    ),
    (
        "MD_Crime_Data.csv",
        include_bytes!("../../../samples/MD_Crime_Data.csv"),
    ),
    (
        "la-riots.csv",
        include_bytes!("../../../samples/la-riots.csv"),
    ),
    (
        "zipcodes.csv",
        include_bytes!("../../../samples/zipcodes.csv"),
    ),
    (
        "seattle-weather.csv",
        include_bytes!("../../../samples/seattle-weather.csv"),
    ),
];

#[derive(Deserialize)]
struct Catalog {
    dataset: Vec<Sample>,
}

#[derive(Deserialize)]
struct Sample {
    id: String,
    file: String,
    title: String,
    department: String,
    #[serde(flatten)]
    meta: Metadata,
}

/// Publishes every sample that is not in the store yet.
pub async fn load_samples(store: &Store) -> anyhow::Result<()> {
    use figment::providers::{Format, Toml};
    let catalog: Catalog = figment::Figment::from(Toml::string(CATALOG))
        .extract()
        .context("the bundled sample catalog")?;
    for sample in catalog.dataset {
        if store.dataset(&sample.id).await?.is_some() {
            continue;
        }
        let bytes = FILES
            .iter()
            .find(|(name, _)| *name == sample.file)
            .map(|(_, bytes)| *bytes)
            .ok_or_else(|| anyhow!("no bundled file {}", sample.file))?;
        let loaded =
            ingest::read_bytes(bytes, ingest::Format::Csv, &ingest::LoadOptions::default())
                .with_context(|| format!("sample {}", sample.file))?;
        let new = NewDataset {
            id: sample.id.clone(),
            title: sample.title,
            department: sample.department,
            meta: sample.meta,
            columns: crate::load::new_columns(&loaded),
        };
        let dataset = store
            .create_dataset(new, &loaded.schema, loaded.batches, chrono::Utc::now())
            .await?;
        tracing::info!(dataset.id = %dataset.id, rows = dataset.row_count, "sample published");
    }
    Ok(())
}
