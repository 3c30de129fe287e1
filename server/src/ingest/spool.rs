//! An envelope's body written to disk as it arrives, hashed on the way, bounded: the intake
//! reads it twice (to check every visit, then to import), and memory never holds it whole.
//! Kept afterwards under its hash, beside the receipt that names it.

use crate::error::ApiError;
use axum::body::Body;
use axum::http::StatusCode;
use futures::StreamExt;
use healthbook_domain::ProblemCode;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

pub struct Spooled {
    path: PathBuf,
    pub hash: String,
    pub size: u64,
    kept: bool,
}

impl Spooled {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Keeps the file as `dir/<hash>.xml` (the same envelope sent twice is kept once).
    pub async fn keep(mut self, dir: &Path) -> Result<(), ApiError> {
        let kept = dir.join(format!("{}.xml", self.hash));
        if tokio::fs::try_exists(&kept).await.unwrap_or(false) {
            return Ok(());
        }
        tokio::fs::rename(&self.path, &kept)
            .await
            .map_err(ApiError::internal)?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for Spooled {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ProblemCode::PayloadTooLarge)
}

/// Writes `body` into `dir`, refusing it (413) beyond `limit` bytes.
pub async fn spool(body: Body, dir: &Path, limit: u64) -> Result<Spooled, ApiError> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(ApiError::internal)?;
    let path = dir.join(format!("incoming-{}.part", Uuid::now_v7()));
    let mut file = tokio::fs::File::create(&path)
        .await
        .map_err(ApiError::internal)?;
    let mut spooled = Spooled {
        path,
        hash: String::new(),
        size: 0,
        kept: false,
    };
    let mut hasher = Sha256::new();
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        // A client that went away mid-body sent no envelope.
        let chunk = chunk.map_err(|_| ApiError::bad_request(ProblemCode::BadRequest))?;
        spooled.size += chunk.len() as u64;
        if spooled.size > limit {
            return Err(too_large());
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(ApiError::internal)?;
    }
    file.flush().await.map_err(ApiError::internal)?;
    spooled.hash = hex::encode(hasher.finalize());
    Ok(spooled)
}
