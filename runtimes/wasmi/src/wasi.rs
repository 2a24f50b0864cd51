//! WASI preview 1 on wasmi, through `wasmi_wasi` (wasi-common's implementation): both wasmi
//! configurations run WASI programs with their own engine and guard.

use std::sync::{Arc, RwLock};

use wasmi::{Engine, Linker, Module, Store, StoreLimits};
use wasmi_wasi::sync::{ambient_authority, Dir, WasiCtxBuilder};
use wasmi_wasi::wasi_common::pipe::{ReadPipe, WritePipe};
use wasmi_wasi::WasiCtx;

use crate::{guarded_store, instantiate_linked, Wasmi};
use runtimes::wasi_bench::Bench;
use runtimes::{
    Captured, Ended, Guard, RuntimeError, Value, WasiEntry, WasiInstance, WasiOutcome, WasiProgram,
    WasiSetup, BENCH_MODULE,
};

struct WasiState {
    wasi: WasiCtx,
    limits: StoreLimits,
    bench: Bench,
}

impl Wasmi {
    /// wasi-common opens a preopened directory read-write; there is no read-only switch.
    pub(super) fn wasi_support_for(setup: &WasiSetup) -> Result<(), String> {
        match setup.dirs.iter().find(|d| !d.writable) {
            Some(dir) => Err(format!(
                "wasmi_wasi (wasi-common) cannot preopen {} read-only; --dir-rw lets wasmi host it",
                dir.host.display()
            )),
            None => Ok(()),
        }
    }
}

/// A compiled module as a WASI program: a linker with WASI p1 and the benchmark markers.
pub(super) fn wasi_program(
    engine: Engine,
    module: Module,
    sandbox: Option<Guard>,
    links: Vec<(String, Module)>,
) -> Result<Box<dyn WasiProgram>, RuntimeError> {
    let mut linker: Linker<WasiState> = Linker::new(&engine);
    wasmi_wasi::add_to_linker(&mut linker, |s| &mut s.wasi).map_err(RuntimeError::setup)?;
    linker
        .func_wrap(
            BENCH_MODULE,
            "start",
            |mut c: wasmi::Caller<'_, WasiState>| c.data_mut().bench.start(),
        )
        .map_err(RuntimeError::setup)?;
    linker
        .func_wrap(
            BENCH_MODULE,
            "end",
            |mut c: wasmi::Caller<'_, WasiState>| c.data_mut().bench.end(),
        )
        .map_err(RuntimeError::setup)?;
    Ok(Box::new(WiWasiProgram {
        engine,
        linker,
        module,
        sandbox,
        links,
    }))
}

struct WiWasiProgram {
    engine: Engine,
    linker: Linker<WasiState>,
    module: Module,
    sandbox: Option<Guard>,
    /// The modules it imports from (`--link`), instantiated before it in its store (sharing its
    /// WASI context).
    links: Vec<(String, Module)>,
}

type Stream = Arc<RwLock<Captured>>;

fn context(setup: &WasiSetup, stdin: &[u8]) -> Result<(WasiCtx, [Stream; 2]), RuntimeError> {
    let streams: [Stream; 2] = Default::default();
    let mut builder = WasiCtxBuilder::new();
    let mut argv = vec![setup.program.clone()];
    argv.extend(setup.args.iter().cloned());
    builder
        .args(&argv)
        .and_then(|b| b.envs(&setup.env))
        .map_err(|e| RuntimeError::Instantiate(format!("arguments or environment: {e}")))?;
    builder
        .stdin(Box::new(ReadPipe::from(stdin)))
        .stdout(Box::new(WritePipe::from_shared(streams[0].clone())))
        .stderr(Box::new(WritePipe::from_shared(streams[1].clone())));
    for dir in &setup.dirs {
        let opened = Dir::open_ambient_dir(&dir.host, ambient_authority())
            .map_err(|e| RuntimeError::Instantiate(format!("--dir {}: {e}", dir.host.display())))?;
        builder
            .preopened_dir(opened, &dir.guest)
            .map_err(|e| RuntimeError::Instantiate(format!("--dir {}: {e}", dir.host.display())))?;
    }
    Ok((builder.build(), streams))
}

impl WasiProgram for WiWasiProgram {
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
        let mut live = WiWasiInstance {
            store,
            instance,
            streams,
            read: [0, 0],
        };
        if let WasiEntry::Reactor { .. } = setup.entry {
            if let Some(init) = live.instance.get_func(&live.store, "_initialize") {
                init.call(&mut live.store, &[], &mut [])
                    .map_err(RuntimeError::instantiate)?;
            }
        }
        Ok(Box::new(live))
    }
}

struct WiWasiInstance {
    store: Store<WasiState>,
    instance: wasmi::Instance,
    streams: [Stream; 2],
    read: [usize; 2],
}

impl WiWasiInstance {
    fn call(&mut self, export: &str, args: &[Value]) -> Result<Vec<Value>, wasmi::Error> {
        let func = self
            .instance
            .get_func(&self.store, export)
            .ok_or_else(|| wasmi::Error::new(format!("no exported function `{export}`")))?;
        let mut out = vec![wasmi::Val::I32(0); func.ty(&self.store).results().len()];
        let args: Vec<wasmi::Val> = args.iter().map(crate::to_val).collect();
        func.call(&mut self.store, &args, &mut out)?;
        out.iter()
            .map(|v| {
                crate::from_val(v).ok_or_else(|| wasmi::Error::new("a result is not a number"))
            })
            .collect()
    }

    fn drain(&mut self) -> Result<[Vec<u8>; 2], RuntimeError> {
        let streams = &self.streams;
        runtimes::drain(&mut self.read, |i, from| {
            let stream = streams[i].read().expect("no writer panicked holding it");
            stream.since(from)
        })
    }
}

impl WasiInstance for WiWasiInstance {
    fn run(&mut self, entry: &WasiEntry) -> Result<WasiOutcome, RuntimeError> {
        self.store.data_mut().bench = Bench::default();
        let (export, args) = entry.call();
        let ended = match self.call(export, args) {
            Ok(values) => Ended::Returned(values),
            Err(e) => match e.i32_exit_status() {
                Some(code) => Ended::Exited(code),
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
