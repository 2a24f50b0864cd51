//! The files a WASI program on wasmer-wasix gets: in-memory stdout and stderr with a cap, and a
//! host directory that can only be read.

use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use wasmer_wasix::virtual_fs::host_fs::FileSystem as HostFileSystem;
use wasmer_wasix::virtual_fs::{
    AsyncRead, AsyncSeek, AsyncWrite, FileOpener, FileSystem, FsError, Metadata, OpenOptions,
    OpenOptionsConfig, ReadBuf, ReadDir, VirtualFile,
};

use runtimes::{Captured, STREAM_CAP};

/// An in-memory stdout or stderr that refuses to grow past [`STREAM_CAP`].
#[derive(Debug, Clone, Default)]
pub(super) struct Output(Arc<Mutex<Captured>>);

impl Output {
    /// The bytes written after the first `from`, with the length so far; `None` once the
    /// stream reached its cap.
    pub(super) fn since(&self, from: usize) -> Option<(Vec<u8>, usize)> {
        self.0
            .lock()
            .expect("no writer panicked holding it")
            .since(from)
    }
}

impl AsyncWrite for Output {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let mut stream = self.0.lock().expect("no writer panicked holding it");
        Poll::Ready(io::Write::write(&mut *stream, buf))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Nothing to read back: an output stream reads as empty.
impl AsyncRead for Output {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        _: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsyncSeek for Output {
    fn start_seek(self: Pin<&mut Self>, _: io::SeekFrom) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }
    fn poll_complete(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<u64>> {
        Poll::Ready(Ok(0))
    }
}

impl VirtualFile for Output {
    fn last_accessed(&self) -> u64 {
        0
    }
    fn last_modified(&self) -> u64 {
        0
    }
    fn created_time(&self) -> u64 {
        0
    }
    fn size(&self) -> u64 {
        0
    }
    fn set_len(&mut self, _: u64) -> Result<(), FsError> {
        Err(FsError::PermissionDenied)
    }
    fn unlink(&mut self) -> Result<(), FsError> {
        Ok(())
    }
    fn poll_read_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(0))
    }
    fn poll_write_ready(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(STREAM_CAP))
    }
}

/// A host directory mounted read-only: reads pass through, every change is refused.
#[derive(Debug)]
pub(super) struct ReadOnly(pub(super) HostFileSystem);

impl FileSystem for ReadOnly {
    fn readlink(&self, path: &Path) -> Result<PathBuf, FsError> {
        self.0.readlink(path)
    }
    fn read_dir(&self, path: &Path) -> Result<ReadDir, FsError> {
        self.0.read_dir(path)
    }
    fn create_dir(&self, _: &Path) -> Result<(), FsError> {
        Err(FsError::PermissionDenied)
    }
    fn remove_dir(&self, _: &Path) -> Result<(), FsError> {
        Err(FsError::PermissionDenied)
    }
    fn rename<'a>(&'a self, _: &'a Path, _: &'a Path) -> BoxFuture<'a, Result<(), FsError>> {
        Box::pin(async { Err(FsError::PermissionDenied) })
    }
    fn metadata(&self, path: &Path) -> Result<Metadata, FsError> {
        self.0.metadata(path)
    }
    fn symlink_metadata(&self, path: &Path) -> Result<Metadata, FsError> {
        self.0.symlink_metadata(path)
    }
    fn remove_file(&self, _: &Path) -> Result<(), FsError> {
        Err(FsError::PermissionDenied)
    }
    fn new_open_options(&self) -> OpenOptions<'_> {
        OpenOptions::new(self)
    }
}

impl FileOpener for ReadOnly {
    fn open(
        &self,
        path: &Path,
        conf: &OpenOptionsConfig,
    ) -> Result<Box<dyn VirtualFile + Send + Sync + 'static>, FsError> {
        if conf.would_mutate() {
            return Err(FsError::PermissionDenied);
        }
        self.0.new_open_options().options(conf.clone()).open(path)
    }
}

type BoxFuture<'a, T> = Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;
