//! WASI preview 1 on wasmtime, through `wasmtime-wasi` (its p1 layer over WASIp2): every
//! wasmtime configuration runs WASI programs with its own engine and guard.

use wasmtime::{Engine, Linker, Module, Store, StoreLimits};
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

use crate::engine::{from_val, guarded_store, instantiate_linked, to_val};
use runtimes::wasi_bench::Bench;
use runtimes::{
    Ended, Guard, RuntimeError, Value, WasiEntry, WasiInstance, WasiOutcome, WasiProgram,
    WasiSetup, BENCH_MODULE, STREAM_CAP,
};

/// What a WASI program's store carries.
struct WasiState {
    wasi: WasiP1Ctx,
    limits: StoreLimits,
    bench: Bench,
}

/// A compiled module as a WASI program: a linker with WASI p1 and the benchmark markers.
pub(super) fn wasi_program(
    engine: Engine,
    module: Module,
    sandbox: Option<Guard>,
    links: Vec<(String, Module)>,
) -> Result<Box<dyn WasiProgram>, RuntimeError> {
    let mut linker: Linker<WasiState> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |s| &mut s.wasi).map_err(RuntimeError::setup)?;
    linker
        .func_wrap(
            BENCH_MODULE,
            "start",
            |mut c: wasmtime::Caller<'_, WasiState>| c.data_mut().bench.start(),
        )
        .and_then(|l| {
            l.func_wrap(
                BENCH_MODULE,
                "end",
                |mut c: wasmtime::Caller<'_, WasiState>| c.data_mut().bench.end(),
            )
        })
        .map_err(RuntimeError::setup)?;
    Ok(Box::new(WtWasiProgram {
        engine,
        linker,
        module,
        sandbox,
        links,
    }))
}

struct WtWasiProgram {
    engine: Engine,
    linker: Linker<WasiState>,
    module: Module,
    sandbox: Option<Guard>,
    /// The modules it imports from (`--link`), instantiated before it in its store (sharing its
    /// WASI context).
    links: Vec<(String, Module)>,
}

fn context(
    setup: &WasiSetup,
    stdin: &[u8],
) -> Result<(WasiP1Ctx, [MemoryOutputPipe; 2]), RuntimeError> {
    let (mut builder, streams) = builder(setup, stdin)?;
    Ok((builder.build_p1(), streams))
}

/// A WASI context's builder for a program's run: its arguments (the program name first),
/// environment, directories and stdin; stdout and stderr captured in the two pipes.
pub(crate) fn builder(
    setup: &WasiSetup,
    stdin: &[u8],
) -> Result<(WasiCtxBuilder, [MemoryOutputPipe; 2]), RuntimeError> {
    let streams = [
        MemoryOutputPipe::new(STREAM_CAP),
        MemoryOutputPipe::new(STREAM_CAP),
    ];
    let mut builder = WasiCtxBuilder::new();
    builder
        .arg(&setup.program)
        .args(&setup.args)
        .envs(&setup.env)
        .stdin(MemoryInputPipe::new(stdin.to_vec()))
        .stdout(streams[0].clone())
        .stderr(streams[1].clone());
    for dir in &setup.dirs {
        let perms = if dir.writable {
            FsPerms::ReadWrite
        } else {
            FsPerms::ReadOnly
        };
        builder
            .preopened_dir(&dir.host, &dir.guest, perms)
            .map_err(|e| {
                RuntimeError::Instantiate(format!("--dir {}: {e:#}", dir.host.display()))
            })?;
    }
    Ok((builder, streams))
}

impl WasiProgram for WtWasiProgram {
    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        if !self.links.is_empty() {
            return Err(RuntimeError::Unsupported);
        }
        self.module.serialize().map_err(RuntimeError::compile)
    }

    fn instantiate(
        &self,
        setup: &WasiSetup,
        stdin: &[u8],
    ) -> Result<Box<dyn WasiInstance>, RuntimeError> {
        let (wasi, streams) = context(setup, stdin)?;
        let state = |limits| WasiState {
            wasi,
            limits,
            bench: Bench::default(),
        };
        let mut store = guarded_store(&self.engine, self.sandbox, state, |s| &mut s.limits)?;
        let instance = instantiate_linked(&self.linker, &mut store, &self.links, &self.module)?;
        let mut live = WtWasiInstance {
            store,
            instance,
            streams,
            read: [0, 0],
        };
        if let WasiEntry::Reactor { .. } = setup.entry {
            if let Some(init) = live.instance.get_func(&mut live.store, "_initialize") {
                init.call(&mut live.store, &[], &mut [])
                    .map_err(RuntimeError::instantiate)?;
            }
        }
        Ok(Box::new(live))
    }
}

struct WtWasiInstance {
    store: Store<WasiState>,
    instance: wasmtime::Instance,
    streams: [MemoryOutputPipe; 2],
    /// Bytes of each stream already returned by an earlier run of this instance.
    read: [usize; 2],
}

impl WtWasiInstance {
    fn call(&mut self, export: &str, args: &[Value]) -> Result<Vec<Value>, wasmtime::Error> {
        let func = self
            .instance
            .get_func(&mut self.store, export)
            .ok_or_else(|| wasmtime::Error::msg(format!("no exported function `{export}`")))?;
        let mut out = vec![wasmtime::Val::I32(0); func.ty(&self.store).results().len()];
        let args: Vec<wasmtime::Val> = args.iter().map(to_val).collect();
        func.call(&mut self.store, &args, &mut out)?;
        out.iter()
            .map(|v| from_val(v).ok_or_else(|| wasmtime::Error::msg("a result is not a number")))
            .collect()
    }

    /// What each stream got since the last run, or the error of a full one.
    fn drain(&mut self) -> Result<[Vec<u8>; 2], RuntimeError> {
        let streams = &self.streams;
        runtimes::drain(&mut self.read, |i, from| {
            let all = streams[i].contents();
            (all.len() < STREAM_CAP).then(|| (all[from..].to_vec(), all.len()))
        })
    }
}

impl WasiInstance for WtWasiInstance {
    fn run(&mut self, entry: &WasiEntry) -> Result<WasiOutcome, RuntimeError> {
        self.store.data_mut().bench = Bench::default();
        let (export, args) = entry.call();
        let ended = match self.call(export, args) {
            Ok(values) => Ended::Returned(values),
            Err(e) => match e.downcast_ref::<I32Exit>() {
                Some(exit) => Ended::Exited(exit.0),
                None => Ended::Failed(RuntimeError::call(e)),
            },
        };
        let outcome = runtimes::outcome(ended, self.drain());
        Ok(WasiOutcome {
            bench_ns: self.store.data().bench.ns,
            ..outcome?
        })
    }
}
