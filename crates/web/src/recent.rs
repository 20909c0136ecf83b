//! Datasets read from the catalog a moment ago. A burst of API calls on one
//! dataset then reads its catalog rows once, not once per call; a publish
//! shows up once the moment (`FRESH_FOR`) has passed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use store::Dataset;

const FRESH_FOR: Duration = Duration::from_millis(500);
const MOST: usize = 10_000;

#[derive(Default)]
pub struct RecentDatasets {
    entries: Mutex<HashMap<String, (Instant, Arc<Dataset>)>>,
}

impl RecentDatasets {
    pub fn get(&self, id: &str) -> Option<Arc<Dataset>> {
        let entries = self.entries.lock().ok()?;
        let (read_at, dataset) = entries.get(id)?;
        (read_at.elapsed() < FRESH_FOR).then(|| Arc::clone(dataset))
    }

    pub fn put(&self, dataset: Arc<Dataset>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MOST {
                entries.retain(|_, (read_at, _)| read_at.elapsed() < FRESH_FOR);
            }
            entries.insert(dataset.id.clone(), (Instant::now(), dataset));
        }
    }

    /// Drops a dataset this server has just changed, so the change applies
    /// to the very next request.
    pub fn forget(&self, id: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(id);
        }
    }
}
