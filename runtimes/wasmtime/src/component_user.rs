//! A user's components on wasmtime: an exported function called with typed values written in
//! WAVE (`--invoke 'name(args)'`), and a WASI 0.2 command (`wasi:cli/run`) started like a WASI
//! preview 1 command. Both get WASI 0.2 from wasmtime-wasi: a function call with nothing
//! granted, a command with its arguments, environment, directories and stdin. A command may
//! import Sightglass's `bench` interface: the time from its `start` to its `end` is the run's
//! marked region, as for a preview 1 benchmark.

use wasmtime::component::wasm_wave::untyped::UntypedFuncCall;
use wasmtime::component::{Component, Func, Linker, Val};
use wasmtime::{Engine, Store, StoreLimits};
use wasmtime_wasi::p2::bindings::sync::Command;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{I32Exit, ResourceTable, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use runtimes::wasi_bench::Bench;
use runtimes::{
    Compiled, Ended, Guard, Instance, RuntimeError, WasiEntry, WasiInstance, WasiOutcome,
    WasiProgram, WasiSetup, STREAM_CAP,
};

use crate::engine::guarded_store;

/// What a user component's store carries.
pub(crate) struct UserState {
    limits: StoreLimits,
    wasi: WasiCtx,
    table: ResourceTable,
    bench: Bench,
}

impl WasiView for UserState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// WASI 0.2 and the kernels' host function, for any user component.
pub(crate) fn user_linker(engine: &Engine) -> Result<Linker<UserState>, RuntimeError> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(RuntimeError::setup)?;
    crate::component::define_host_mix(&mut linker)?;
    define_bench(&mut linker).map_err(RuntimeError::setup)?;
    Ok(linker)
}

/// Sightglass's markers, an instance `bench` of `start: func()` and `end: func()`.
fn define_bench(linker: &mut Linker<UserState>) -> wasmtime::Result<()> {
    let mut bench = linker.instance(runtimes::BENCH_MODULE)?;
    bench.func_wrap("start", |mut store, (): ()| {
        store.data_mut().bench.start();
        Ok(())
    })?;
    bench.func_wrap("end", |mut store, (): ()| {
        store.data_mut().bench.end();
        Ok(())
    })
}

/// A compiled user component with the engine and guard it runs under.
#[derive(Clone)]
pub(crate) struct UserCode {
    pub engine: Engine,
    pub linker: Linker<UserState>,
    pub component: Component,
    pub sandbox: Option<Guard>,
}

impl UserCode {
    fn store(&self, wasi: WasiCtx) -> Result<Store<UserState>, RuntimeError> {
        guarded_store(
            &self.engine,
            self.sandbox,
            |limits| UserState {
                limits,
                wasi,
                table: ResourceTable::new(),
                bench: Bench::default(),
            },
            |s| &mut s.limits,
        )
    }

    /// The component called as `call` says.
    pub fn call(self, call: String) -> Result<Box<dyn Compiled>, RuntimeError> {
        let parsed = UntypedFuncCall::parse(&call)
            .map_err(|e| RuntimeError::Compile(format!("--invoke {call:?}: {e}")))?;
        let name = parsed.name().to_string();
        Ok(Box::new(UserCall {
            code: self,
            call,
            name,
        }))
    }

    /// The component as a WASI 0.2 command.
    pub fn command(self) -> Box<dyn WasiProgram> {
        Box::new(self)
    }
}

/// An exported function with the WAVE call that invokes it.
struct UserCall {
    code: UserCode,
    call: String,
    name: String,
}

impl Compiled for UserCall {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        let mut store = self.code.store(WasiCtxBuilder::new().build())?;
        let instance = self
            .code
            .linker
            .instantiate(&mut store, &self.code.component)
            .map_err(RuntimeError::instantiate)?;
        let func = exported_func(&instance, &mut store, &self.name)?;
        let ty = func.ty(&store);
        let types: Vec<_> = ty.params().map(|(_, ty)| ty).collect();
        // Typed once per instance, as a host resolves its call once.
        let params = UntypedFuncCall::parse(&self.call)
            .and_then(|call| call.to_wasm_params::<Val>(types.iter()))
            .map_err(|e| RuntimeError::Instantiate(format!("--invoke {:?}: {e}", self.call)))?;
        let results = vec![Val::Bool(false); ty.results().len()];
        Ok(Box::new(UserCallInstance {
            store,
            func,
            params,
            results,
        }))
    }

    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        self.code
            .component
            .serialize()
            .map_err(RuntimeError::compile)
    }
}

/// `name` among the component's exports: a function at the top, or `interface#function`.
fn exported_func(
    instance: &wasmtime::component::Instance,
    store: &mut Store<UserState>,
    name: &str,
) -> Result<Func, RuntimeError> {
    let missing =
        || RuntimeError::Instantiate(format!("the component exports no function `{name}`"));
    match name.split_once('#') {
        None => instance.get_func(&mut *store, name).ok_or_else(missing),
        Some((interface, function)) => {
            let outer = instance
                .get_export_index(&mut *store, None, interface)
                .ok_or_else(missing)?;
            let inner = instance
                .get_export_index(&mut *store, Some(&outer), function)
                .ok_or_else(missing)?;
            instance.get_func(&mut *store, inner).ok_or_else(missing)
        }
    }
}

struct UserCallInstance {
    store: Store<UserState>,
    func: Func,
    params: Vec<Val>,
    results: Vec<Val>,
}

impl Instance for UserCallInstance {
    /// The results in WAVE, separated by `, ` (the input is not used: the values are the call's).
    fn call(&mut self, _input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        self.func
            .call(&mut self.store, &self.params, &mut self.results)
            .map_err(RuntimeError::call)?;
        let shown: Result<Vec<String>, _> = self.results.iter().map(|v| v.to_wave()).collect();
        let shown =
            shown.map_err(|e| RuntimeError::Call(format!("a result has no WAVE form: {e}")))?;
        Ok(shown.join(", ").into_bytes())
    }
}

/// A WASI 0.2 context for a command's run (what a preview 1 program's is, built for 0.2).
fn context(
    setup: &WasiSetup,
    stdin: &[u8],
) -> Result<(WasiCtx, [MemoryOutputPipe; 2]), RuntimeError> {
    let (mut builder, streams) = crate::wasi::builder(setup, stdin)?;
    Ok((builder.build(), streams))
}

impl WasiProgram for UserCode {
    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        self.component.serialize().map_err(RuntimeError::compile)
    }

    fn instantiate(
        &self,
        setup: &WasiSetup,
        stdin: &[u8],
    ) -> Result<Box<dyn WasiInstance>, RuntimeError> {
        let (wasi, streams) = context(setup, stdin)?;
        let mut store = self.store(wasi)?;
        let command = Command::instantiate(&mut store, &self.component, &self.linker)
            .map_err(RuntimeError::instantiate)?;
        Ok(Box::new(CommandInstance {
            store,
            command,
            streams,
        }))
    }
}

struct CommandInstance {
    store: Store<UserState>,
    command: Command,
    streams: [MemoryOutputPipe; 2],
}

impl WasiInstance for CommandInstance {
    fn run(&mut self, _entry: &WasiEntry) -> Result<WasiOutcome, RuntimeError> {
        self.store.data_mut().bench = Bench::default();
        let ended = match self.command.wasi_cli_run().call_run(&mut self.store) {
            Ok(Ok(())) => Ended::Returned(Vec::new()),
            // `run` returned its error: what `exit(1)` means to wasi:cli.
            Ok(Err(())) => Ended::Exited(1),
            Err(e) => match e.downcast_ref::<I32Exit>() {
                Some(exit) => Ended::Exited(exit.0),
                None => Ended::Failed(RuntimeError::call(e)),
            },
        };
        let streams = &self.streams;
        let mut read = [0, 0];
        let drained = runtimes::drain(&mut read, |i, from| {
            let all = streams[i].contents();
            (all.len() < STREAM_CAP).then(|| (all[from..].to_vec(), all.len()))
        });
        let mut outcome = runtimes::outcome(ended, drained)?;
        outcome.bench_ns = self.store.data().bench.ns;
        Ok(outcome)
    }
}
