//! `civic load`: read a file, check every row, publish it as a new dataset.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use clap::Args;
use ingest::{IngestError, LoadOptions, Loaded, Report};
use soql::SoqlType;
use store::{Metadata, NewColumn, NewDataset, Store, StoreError};

use crate::{Failure, Global};

#[derive(Args)]
pub struct LoadArgs {
    /// The CSV, JSON or GeoJSON file.
    pub file: PathBuf,
    /// The dataset's title, as the catalog shows it.
    #[arg(long)]
    pub title: String,
    /// The department that owns the dataset.
    #[arg(long)]
    pub department: String,
    /// The dataset id (`abcd-1234`); a random one when omitted.
    #[arg(long)]
    pub id: Option<String>,
    /// The topic the catalog files it under (`Public Safety`, `Transportation`, ...).
    #[arg(long)]
    pub topic: Option<String>,
    /// A TOML or JSON file with more metadata (description, steward, license, ...).
    #[arg(long)]
    pub meta: Option<PathBuf>,
    /// Force a column's type: FIELD=TYPE (repeatable).
    #[arg(long = "type", value_name = "FIELD=TYPE")]
    pub types: Vec<String>,
    /// Load the good rows and set the bad ones aside, instead of refusing the file.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Write the load report as JSON to this file.
    #[arg(long, value_name = "FILE.json")]
    pub report: Option<PathBuf>,
}

pub async fn run(global: &Global, settings: &web::Settings, args: LoadArgs) -> Result<(), Failure> {
    if args.title.trim().is_empty() {
        return Err(Failure::Usage(anyhow!("--title must not be empty")));
    }
    let profile = crate::config::profile(settings)?;
    let department = profile
        .department(&args.department)
        .ok_or_else(|| {
            Failure::Usage(anyhow!(
                "--department `{}` is not a department of the {}; the departments are: {}",
                args.department.trim(),
                profile.city.name,
                profile.departments.join(", ")
            ))
        })?
        .to_string();
    let type_overrides = parse_types(&args.types).map_err(Failure::Usage)?;
    let meta = match &args.meta {
        Some(path) => read_meta(path).map_err(Failure::Usage)?,
        None => Metadata::default(),
    };
    let id = args.id.clone().unwrap_or_else(store::random_dataset_id);
    if !store::is_dataset_id(&id) {
        return Err(Failure::Usage(StoreError::BadId(id).into()));
    }
    let store = Store::open(&global.data_dir).await?;
    if store.dataset(&id).await?.is_some() {
        return Err(Failure::Refused(StoreError::AlreadyExists(id).into()));
    }

    let options = LoadOptions {
        type_overrides,
        skip_bad_rows: args.skip_bad_rows,
        ..LoadOptions::default()
    };
    let file = args.file.clone();
    let loaded = tokio::task::spawn_blocking(move || read_with_progress(&file, &options))
        .await
        .map_err(|e| anyhow!("reading stopped: {e}"))?;
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(IngestError::Refused { report }) => {
            write_report(&report, args.report.as_deref())?;
            return Err(Failure::Refused(anyhow!(
                "{} has {} bad rows; nothing was loaded (use --skip-bad-rows to load the rest)",
                args.file.display(),
                report.bad_rows.len()
            )));
        }
        Err(
            e @ (IngestError::Binary { .. } | IngestError::Empty | IngestError::Malformed { .. }),
        ) => {
            return Err(Failure::Refused(e.into()));
        }
        Err(e) => return Err(Failure::Usage(e.into())),
    };
    write_report(&loaded.report, args.report.as_deref())?;
    if !loaded.report.bad_rows.is_empty() {
        write_bad_rows(&loaded, &args)?;
    }

    let new = new_dataset(id, department, &args, meta, &loaded);
    let now = chrono::Utc::now();
    let dataset = store
        .create_dataset(new, &loaded.schema, loaded.batches, now)
        .await
        .map_err(|e| match e {
            StoreError::AlreadyExists(_) | StoreError::BadId(_) => Failure::Refused(e.into()),
            other => Failure::Usage(other.into()),
        })?;
    println!("{}", dataset.id);
    eprintln!(
        "published {} ({} rows) as /resource/{}.json",
        dataset.title, dataset.row_count, dataset.id
    );
    Ok(())
}

fn new_dataset(
    id: String,
    department: String,
    args: &LoadArgs,
    mut meta: Metadata,
    loaded: &Loaded,
) -> NewDataset {
    if args.topic.is_some() {
        meta.topic = args.topic.clone();
    }
    NewDataset {
        id,
        title: args.title.clone(),
        department,
        meta,
        columns: new_columns(loaded),
    }
}

/// The catalog's columns for what a file loaded as.
pub fn new_columns(loaded: &Loaded) -> Vec<NewColumn> {
    loaded
        .columns
        .iter()
        .map(|c| NewColumn {
            field_name: c.field_name.clone(),
            name: c.name.clone(),
            ty: c.ty,
        })
        .collect()
}

fn parse_types(specs: &[String]) -> anyhow::Result<Vec<(String, SoqlType)>> {
    specs
        .iter()
        .map(|spec| {
            let (field, ty) = spec
                .split_once('=')
                .ok_or_else(|| anyhow!("--type takes FIELD=TYPE, found `{spec}`"))?;
            let ty: SoqlType = ty
                .trim()
                .parse()
                .with_context(|| format!("--type {spec}"))?;
            Ok((field.trim().to_string(), ty))
        })
        .collect()
}

fn read_meta(path: &Path) -> anyhow::Result<Metadata> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let is_json = path.extension().is_some_and(|e| e == "json");
    let meta = if is_json {
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid metadata", path.display()))?
    } else {
        toml_meta(&text).with_context(|| format!("{} is not valid metadata", path.display()))?
    };
    Ok(meta)
}

fn toml_meta(text: &str) -> anyhow::Result<Metadata> {
    use figment::providers::{Format, Toml};
    Ok(figment::Figment::from(Toml::string(text)).extract()?)
}

fn read_with_progress(file: &Path, options: &LoadOptions) -> Result<Loaded, IngestError> {
    let bar = indicatif::ProgressBar::with_draw_target(
        None,
        indicatif::ProgressDrawTarget::stderr_with_hz(4),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message("reading");
    let mut progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let result = ingest::read_path(file, options, &mut progress);
    bar.finish_and_clear();
    result
}

fn write_report(report: &Report, json_path: Option<&Path>) -> Result<(), Failure> {
    eprintln!("{report}");
    if let Some(path) = json_path {
        let json = serde_json::to_vec_pretty(report).map_err(anyhow::Error::from)?;
        std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// The rows set aside by `--skip-bad-rows`, as CSV beside the report (or
/// beside the input when there is no report): the line, the reason, then
/// the row's values as read.
fn write_bad_rows(loaded: &Loaded, args: &LoadArgs) -> Result<(), Failure> {
    let beside = args.report.as_deref().unwrap_or(&args.file);
    let path = beside.with_extension("bad-rows.csv");
    let widest = loaded
        .report
        .bad_rows
        .iter()
        .map(|r| r.fields.len())
        .max()
        .unwrap_or(0);
    let mut header = vec!["line".to_string(), "reason".to_string()];
    header.extend(loaded.columns.iter().take(widest).map(|c| c.name.clone()));
    let mut out = csv_line(&header);
    for row in &loaded.report.bad_rows {
        let mut fields = vec![row.line.to_string(), row.reason.clone()];
        fields.extend(row.fields.iter().cloned());
        out.push_str(&csv_line(&fields));
    }
    std::fs::write(&path, out).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!(
        "{} bad rows set aside in {}",
        loaded.report.bad_rows.len(),
        path.display()
    );
    Ok(())
}

fn csv_line(fields: &[String]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect();
    quoted.join(",") + "\n"
}
