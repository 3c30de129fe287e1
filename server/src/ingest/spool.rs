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

/// A file being written into the intake's directory, hashed as it goes.
pub struct SpoolWriter {
    file: tokio::fs::File,
    hasher: Sha256,
    spooled: Spooled,
}

impl SpoolWriter {
    pub async fn create(dir: &Path) -> Result<SpoolWriter, ApiError> {
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(ApiError::internal)?;
        let path = dir.join(format!("incoming-{}.part", Uuid::now_v7()));
        let file = tokio::fs::File::create(&path)
            .await
            .map_err(ApiError::internal)?;
        Ok(SpoolWriter {
            file,
            hasher: Sha256::new(),
            spooled: Spooled {
                path,
                hash: String::new(),
                size: 0,
                kept: false,
            },
        })
    }

    pub async fn write(&mut self, bytes: &[u8]) -> Result<(), ApiError> {
        self.spooled.size += bytes.len() as u64;
        self.hasher.update(bytes);
        self.file.write_all(bytes).await.map_err(ApiError::internal)
    }

    pub async fn finish(mut self) -> Result<Spooled, ApiError> {
        self.file.flush().await.map_err(ApiError::internal)?;
        self.spooled.hash = hex::encode(self.hasher.finalize());
        Ok(self.spooled)
    }
}

/// The body's chunks, refusing the body (413) beyond `limit` bytes in all; a client that
/// went away mid-body sent nothing (400).
pub fn chunks(
    body: Body,
    limit: u64,
) -> impl futures::Stream<Item = Result<axum::body::Bytes, ApiError>> {
    let mut taken = 0u64;
    body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(|_| ApiError::bad_request(ProblemCode::BadRequest))?;
        taken += chunk.len() as u64;
        if taken > limit {
            return Err(too_large());
        }
        Ok(chunk)
    })
}

/// Writes `body` into `dir`, refusing it (413) beyond `limit` bytes.
pub async fn spool(body: Body, dir: &Path, limit: u64) -> Result<Spooled, ApiError> {
    let mut writer = SpoolWriter::create(dir).await?;
    let mut stream = std::pin::pin!(chunks(body, limit));
    while let Some(chunk) = stream.next().await {
        writer.write(&chunk?).await?;
    }
    writer.finish().await
}
