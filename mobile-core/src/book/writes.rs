//! What the citizen writes into their book (or a dependent's), each of which may be queued
//! offline with its idempotency key: section I as a merge patch on the version last read, a
//! history item, a home reading.

use super::cache;
use crate::context::Core;
use crate::error::CoreError;
use crate::http::{Auth, decode};
use crate::queue::{ActionResult, Deliver, OfflineAction};
use healthbook_domain::book::{
    Administrative, BookEntry, EntryBody, NewEntryRequest, Observation, PatchProfileRequest,
};
use serde_json::{Map, Value};
use uuid::Uuid;

/// Caches an entry as the server returned it after a write.
pub(crate) async fn remember(
    core: &Core,
    citizen_id: Uuid,
    entry: &BookEntry,
) -> Result<(), CoreError> {
    let row = cache::entry_row(citizen_id, entry)?;
    core.store(move |store| store.put_entry(&row)).await?;
    Ok(())
}

/// Section I changed: `changes` is the merge patch from the version `base_version` to
/// `section`, the section as the person left the form.
pub(crate) struct ProfileChange {
    pub citizen_id: Uuid,
    pub base_version: Option<u32>,
    pub changes: Value,
    pub section: Administrative,
}

impl Deliver for ProfileChange {
    type Delivered = BookEntry;

    async fn deliver(&self, core: &Core, key: Uuid) -> Result<BookEntry, CoreError> {
        let request = PatchProfileRequest {
            base_version: self.base_version,
            changes: self.changes.clone(),
        };
        let path = format!("/v1/citizens/{}/profile", self.citizen_id);
        let entry: BookEntry = decode(&core.api.patch_raw(&path, &request, key).await?)?;
        remember(core, self.citizen_id, &entry).await?;
        Ok(entry)
    }

    fn applied(entry: BookEntry) -> ActionResult {
        ActionResult::Recorded { entry }
    }

    fn queued(self) -> OfflineAction {
        OfflineAction::PatchProfile {
            citizen_id: self.citizen_id,
            base_version: self.base_version,
            changes: self.changes.to_string(),
            section: self.section,
        }
    }
}

/// A history item (an allergy, a past disease, risk factors…), self-reported.
pub(crate) struct NewEntry {
    pub citizen_id: Uuid,
    pub body: EntryBody,
}

impl Deliver for NewEntry {
    type Delivered = BookEntry;

    async fn deliver(&self, core: &Core, key: Uuid) -> Result<BookEntry, CoreError> {
        let request = NewEntryRequest {
            body: self.body.clone(),
        };
        let path = format!("/v1/citizens/{}/entries", self.citizen_id);
        let entry: BookEntry = decode(
            &core
                .api
                .post_raw(&path, &request, Auth::Bearer, key)
                .await?,
        )?;
        remember(core, self.citizen_id, &entry).await?;
        Ok(entry)
    }

    fn applied(entry: BookEntry) -> ActionResult {
        ActionResult::Recorded { entry }
    }

    fn queued(self) -> OfflineAction {
        OfflineAction::AddEntry {
            citizen_id: self.citizen_id,
            body: self.body,
        }
    }
}

/// A home reading.
pub(crate) struct NewReading {
    pub citizen_id: Uuid,
    pub reading: Observation,
}

impl Deliver for NewReading {
    type Delivered = BookEntry;

    async fn deliver(&self, core: &Core, key: Uuid) -> Result<BookEntry, CoreError> {
        let path = format!("/v1/citizens/{}/observations", self.citizen_id);
        let entry: BookEntry = decode(
            &core
                .api
                .post_raw(&path, &self.reading, Auth::Bearer, key)
                .await?,
        )?;
        remember(core, self.citizen_id, &entry).await?;
        Ok(entry)
    }

    fn applied(entry: BookEntry) -> ActionResult {
        ActionResult::Recorded { entry }
    }

    fn queued(self) -> OfflineAction {
        OfflineAction::AddReading {
            citizen_id: self.citizen_id,
            reading: self.reading,
        }
    }
}

/// The merge patch that turns `from` into `to`, member by member at the top: a member that
/// changed is sent whole (an address, a blood group, a list of contacts), one that went is
/// sent as `null`. Sending nested objects whole keeps two patches composable by simply
/// letting the later one's members win ([`compose`]).
pub(crate) fn diff(from: &Value, to: &Value) -> Value {
    let empty = Map::new();
    let from = from.as_object().unwrap_or(&empty);
    let to = to.as_object().unwrap_or(&empty);
    let mut patch = Map::new();
    for (name, old) in from {
        let new = to.get(name).unwrap_or(&Value::Null);
        if new != old && !(new.is_null() && old.is_null()) {
            patch.insert(name.clone(), new.clone());
        }
    }
    for (name, new) in to {
        if !from.contains_key(name) && !new.is_null() {
            patch.insert(name.clone(), new.clone());
        }
    }
    Value::Object(patch)
}

/// One patch with the effect of `earlier` then `later`, both made by [`diff`].
pub(crate) fn compose(earlier: &Value, later: &Value) -> Value {
    let mut members = earlier.as_object().cloned().unwrap_or_default();
    if let Some(later) = later.as_object() {
        for (name, value) in later {
            members.insert(name.clone(), value.clone());
        }
    }
    Value::Object(members)
}

/// A section as the JSON its patches are computed on.
pub(crate) fn section_value(section: &Administrative) -> Result<Value, CoreError> {
    serde_json::to_value(section).map_err(|e| CoreError::Decode(e.to_string()))
}
