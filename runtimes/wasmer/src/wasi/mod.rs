//! WASI preview 1 on wasmer, through `wasmer-wasix` (wasmer's WASI, a superset of preview 1):
//! every wasmer compiler runs WASI programs with its own engine and guard. wasmer-wasix runs
//! its file system and task plumbing on a tokio runtime, which each program owns.

mod files;

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use wasmer::{
    Engine, Function, FunctionEnv, FunctionEnvMut, Imports, Instance, Memory, MemoryType, Module,
    Store,
};
use wasmer_wasix::runtime::task_manager::tokio::TokioTaskManager;
use wasmer_wasix::runtime::PluggableRuntime;
use wasmer_wasix::virtual_fs::host_fs::FileSystem as HostFileSystem;
use wasmer_wasix::virtual_fs::{FileSystem, MountFileSystem, StaticFile, TmpFileSystem};
use wasmer_wasix::{
    WasiEnv, WasiError, WasiFunctionEnv, WasiModuleInstanceHandles, WasiModuleTreeHandles,
};

use crate::{from_value, instantiate_linked, to_value};
use files::{Output, ReadOnly};
use runtimes::wasi_bench::Bench;
use runtimes::{
    Ended, RuntimeError, Value, WasiEntry, WasiInstance, WasiOutcome, WasiProgram, WasiSetup,
    BENCH_MODULE,
};

/// A compiled module as a WASI program, with the engine that compiled it.
pub(super) fn wasi_program(
    engine: Engine,
    module: Module,
    metered: bool,
    links: Vec<(String, Module)>,
) -> Result<Box<dyn WasiProgram>, RuntimeError> {
    // One worker thread: the guest runs on the calling thread, tokio only serves
    // wasmer-wasix's host file operations.
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| RuntimeError::Setup(format!("a tokio runtime for wasmer-wasix: {e}")))?;
    let mut runtime =
        PluggableRuntime::new(Arc::new(TokioTaskManager::new(tokio.handle().clone())));
    runtime.set_engine(engine.clone());
    Ok(Box::new(WmWasiProgram {
        tokio,
        runtime: Arc::new(runtime),
        engine,
        module,
        metered,
        links,
    }))
}

struct WmWasiProgram {
    tokio: tokio::runtime::Runtime,
    runtime: Arc<PluggableRuntime>,
    engine: Engine,
    module: Module,
    metered: bool,
    /// The modules it imports from (`--link`), none of which imports WASI.
    links: Vec<(String, Module)>,
}

impl WasiProgram for WmWasiProgram {
    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        crate::serialize(&self.module, self.metered || !self.links.is_empty())
    }

    fn instantiate(
        &self,
        setup: &WasiSetup,
        stdin: &[u8],
    ) -> Result<Box<dyn WasiInstance>, RuntimeError> {
        let _inside = self.tokio.enter();
        let mut store = Store::new(self.engine.clone());
        let streams = [Output::default(), Output::default()];
        let mut wasi = environment(setup, stdin, &streams, self.runtime.clone())?
            .finalize(&mut store)
            .map_err(RuntimeError::instantiate)?;
        // Every WASI version the module imports; none for a Sightglass-style benchmark that
        // imports only its markers.
        let mut imports = match wasi.import_object_for_all_wasi_versions(&mut store, &self.module) {
            Ok(imports) => imports,
            Err(WasiError::UnknownWasiVersion) => Imports::new(),
            Err(e) => return Err(RuntimeError::instantiate(e)),
        };
        let bench = FunctionEnv::new(&mut store, Bench::default());
        for (name, mark) in [
            ("start", Bench::start as fn(&mut Bench)),
            ("end", Bench::end),
        ] {
            let marker = Function::new_typed_with_env(
                &mut store,
                &bench,
                move |mut env: FunctionEnvMut<Bench>| mark(env.data_mut()),
            );
            imports.define(BENCH_MODULE, name, marker);
        }
        let instance = instantiate_linked(&mut store, &mut imports, &self.links, &self.module)?;
        attach(&mut wasi, &mut store, &instance)?;
        let mut live = WmWasiInstance {
            tokio: self.tokio.handle().clone(),
            store,
            instance,
            wasi,
            bench,
            streams,
            read: [0, 0],
        };
        if let WasiEntry::Reactor { .. } = setup.entry {
            if let Ok(init) = live.instance.exports.get_function("_initialize") {
                init.call(&mut live.store, &[])
                    .map_err(RuntimeError::instantiate)?;
            }
        }
        Ok(Box::new(live))
    }
}

/// Points the WASI environment at the instance's memory. wasmer-wasix insists on one, while a
/// module without memory can still be a WASI program (one that passes no pointers), and the other
/// runtimes run it: such a module gets an empty memory nothing can read or write.
fn attach(
    wasi: &mut WasiFunctionEnv,
    store: &mut Store,
    instance: &Instance,
) -> Result<(), RuntimeError> {
    let exported = instance
        .exports
        .iter()
        .find_map(|(_, export)| match export {
            wasmer::Extern::Memory(memory) => Some(memory.clone()),
            _ => None,
        });
    let memory = match exported {
        Some(memory) => memory,
        None => Memory::new(&mut *store, MemoryType::new(0, Some(0), false))
            .map_err(RuntimeError::instantiate)?,
    };
    let handles = WasiModuleInstanceHandles::new(memory, &*store, instance.clone(), None);
    wasi.initialize_handles_and_layout(
        store,
        instance.clone(),
        WasiModuleTreeHandles::Static(handles),
        None,
        true,
    )
    .map_err(RuntimeError::instantiate)
}

/// The WASI environment `setup` describes, reading `stdin` and writing into `streams`.
fn environment(
    setup: &WasiSetup,
    stdin: &[u8],
    streams: &[Output; 2],
    runtime: Arc<PluggableRuntime>,
) -> Result<wasmer_wasix::WasiEnvBuilder, RuntimeError> {
    let mut builder = WasiEnv::builder(&setup.program)
        .args(&setup.args)
        .envs(setup.env.iter().cloned())
        .stdin(Box::new(StaticFile::new(stdin.to_vec())))
        .stdout(Box::new(streams[0].clone()))
        .stderr(Box::new(streams[1].clone()))
        .runtime(runtime);
    // The guest sees each directory mounted at its guest path, as wasmer's own runner sets it
    // up: over an empty in-memory root, or, for a directory preopened as `.` or `/` (how
    // WASI command-line programs are given their inputs), over that directory itself.
    let mut at_root = None;
    let mut mounts = Vec::new();
    for dir in &setup.dirs {
        let refused = |e: &dyn std::fmt::Display| {
            RuntimeError::Instantiate(format!("--dir {}: {e}", dir.host.display()))
        };
        let mount = mount_path(&dir.guest).map_err(|e| refused(&e))?;
        let host = HostFileSystem::new(tokio::runtime::Handle::current(), &dir.host)
            .map_err(|e| refused(&e))?;
        // The preopen's rights alone do not stop wasmer-wasix from creating files (measured:
        // a program created one in a directory preopened without write), so a read-only
        // directory is mounted through a file system that refuses every change.
        let fs: Arc<dyn FileSystem + Send + Sync> = if dir.writable {
            Arc::new(host)
        } else {
            Arc::new(ReadOnly(host))
        };
        if mount == Path::new("/") {
            if at_root.replace(fs).is_some() {
                return Err(refused(
                    &"a second directory at the guest's root (`.` or `/`)",
                ));
            }
        } else {
            mounts.push((mount.clone(), fs));
        }
        builder
            .add_preopen_build(|p| {
                p.directory(&mount)
                    .alias(&dir.guest)
                    .read(true)
                    .write(dir.writable)
                    .create(dir.writable)
            })
            .map_err(|e| refused(&e))?;
    }
    let root = MountFileSystem::new();
    let base = at_root.unwrap_or_else(|| Arc::new(TmpFileSystem::new()));
    root.mount("/", base)
        .map_err(|e| RuntimeError::Instantiate(format!("wasmer-wasix root file system: {e}")))?;
    for (mount, fs) in mounts {
        root.mount(&mount, fs)
            .map_err(|e| RuntimeError::Instantiate(format!("--dir at {}: {e}", mount.display())))?;
    }
    builder.set_mount_fs(root);
    Ok(builder)
}

/// Where a guest path is mounted in wasmer-wasix's file system: relative paths are taken from
/// the root (the guest's working directory), `.` components dropped; a path that climbs above
/// the root is refused.
fn mount_path(guest: &str) -> Result<PathBuf, String> {
    let mut mount = PathBuf::from("/");
    for component in Path::new(guest).components() {
        match component {
            Component::RootDir | Component::CurDir => {}
            Component::Normal(part) => mount.push(part),
            Component::ParentDir if mount.pop() => {}
            Component::ParentDir | Component::Prefix(_) => {
                return Err(format!("guest path `{guest}` leaves the guest's root"))
            }
        }
    }
    Ok(mount)
}

struct WmWasiInstance {
    tokio: tokio::runtime::Handle,
    store: Store,
    instance: Instance,
    wasi: WasiFunctionEnv,
    bench: FunctionEnv<Bench>,
    streams: [Output; 2],
    /// Bytes of each stream already returned by an earlier run of this instance.
    read: [usize; 2],
}

impl WmWasiInstance {
    fn call(&mut self, export: &str, args: &[Value]) -> Result<Vec<Value>, wasmer::RuntimeError> {
        let func = self
            .instance
            .exports
            .get_function(export)
            .map_err(|e| wasmer::RuntimeError::new(e.to_string()))?;
        let args: Vec<wasmer::Value> = args.iter().map(to_value).collect();
        let results = func.call(&mut self.store, &args)?;
        results
            .iter()
            .map(|v| {
                from_value(v).ok_or_else(|| wasmer::RuntimeError::new("a result is not a number"))
            })
            .collect()
    }

    fn drain(&mut self) -> Result<[Vec<u8>; 2], RuntimeError> {
        let streams = &self.streams;
        runtimes::drain(&mut self.read, |i, from| streams[i].since(from))
    }
}

impl WasiInstance for WmWasiInstance {
    fn run(&mut self, entry: &WasiEntry) -> Result<WasiOutcome, RuntimeError> {
        let tokio = self.tokio.clone();
        let _inside = tokio.enter();
        *self.bench.as_mut(&mut self.store) = Bench::default();
        let (export, args) = entry.call();
        let ended = match self.call(export, args) {
            Ok(values) => Ended::Returned(values),
            Err(e) => match e.downcast_ref::<WasiError>() {
                Some(WasiError::Exit(code)) => Ended::Exited(code.raw()),
                _ => Ended::Failed(RuntimeError::call(e)),
            },
        };
        let outcome = runtimes::outcome(ended, self.drain());
        Ok(WasiOutcome {
            bench_ns: self.bench.as_ref(&self.store).ns,
            ..outcome?
        })
    }
}

impl Drop for WmWasiInstance {
    /// wasmer-wasix registers every environment as a process of its runtime; ending it here
    /// releases it, so thousands of runs do not pile up.
    fn drop(&mut self) {
        let _inside = self.tokio.enter();
        self.wasi.on_exit(&mut self.store, None);
    }
}

#[cfg(test)]
mod tests {
    use super::mount_path;

    #[test]
    fn guest_paths_are_mounted_from_the_root() {
        for (guest, mount) in [
            (".", "/"),
            ("./", "/"),
            ("/", "/"),
            ("data", "/data"),
            ("./data/in", "/data/in"),
            ("/abs/dir", "/abs/dir"),
            ("a/../b", "/b"),
        ] {
            assert_eq!(mount_path(guest).unwrap().to_str(), Some(mount), "{guest}");
        }
        assert!(mount_path("..").is_err());
        assert!(mount_path("/x/../..").is_err());
    }
}
