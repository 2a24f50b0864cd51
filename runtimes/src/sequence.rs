//! A call sequence on any core module ([`crate::Program::Sequence`]): the setup once per
//! instance, the timed call (the only part of the warm figure, reported as the call's marked
//! region), the check whose results are the output, and the teardown when the instance is done.
//!
//! Whether the timed call changes the module's state is found once per compiled module, on an
//! instance of its own: two timed calls after one setup that check differently mean each
//! timed call must start from a fresh setup (done untimed, before every call).

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use plugbench_data::{Arg, Sequence, Step};

use crate::{results_text, AnyInstance, AnyModule, Compiled, Instance, RuntimeError, Value};

/// `module` called as `sequence` says.
pub fn sequenced(module: Box<dyn AnyModule>, sequence: &Sequence) -> Box<dyn Compiled> {
    Box::new(Sequenced {
        module,
        sequence: Arc::new(sequence.clone()),
        stateful: OnceLock::new(),
    })
}

struct Sequenced {
    module: Box<dyn AnyModule>,
    sequence: Arc<Sequence>,
    /// The timed call changes what the check sees: each timed call needs a fresh setup.
    stateful: OnceLock<bool>,
}

impl Compiled for Sequenced {
    /// A fresh instance (the first one of this module first finds out, on a scratch instance,
    /// whether the timed call changes the module's state).
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        if self.stateful.get().is_none() {
            let mut probe = self.live()?;
            let first = probe.step()?;
            let second = probe.step()?;
            let _ = self.stateful.set(first != second);
        }
        Ok(Box::new(self.live()?))
    }

    fn serialize(&self) -> Result<Vec<u8>, RuntimeError> {
        self.module.serialize()
    }
}

impl Sequenced {
    fn live(&self) -> Result<Live, RuntimeError> {
        Ok(Live {
            instance: self.module.instantiate()?,
            sequence: Arc::clone(&self.sequence),
            fresh_setup_per_call: self.stateful.get().copied().unwrap_or(false),
            handle: None,
            run_ns: None,
            setup_ns: None,
        })
    }
}

/// What the worker asks of a call sequence beyond its calls.
pub trait Lifecycle {
    /// Time of the last setup call.
    fn setup_ns(&self) -> Option<f64>;
    /// Calls the teardown (once) and gives its time.
    fn finish(&mut self) -> Result<Option<f64>, RuntimeError>;
    /// Every timed call gets a fresh setup (the timed call changes the module's state).
    fn fresh_setup_per_call(&self) -> bool;
}

struct Live {
    instance: Box<dyn AnyInstance>,
    sequence: Arc<Sequence>,
    fresh_setup_per_call: bool,
    /// The setup's results, once it ran (and until the teardown).
    handle: Option<Vec<Value>>,
    run_ns: Option<f64>,
    setup_ns: Option<f64>,
}

impl Live {
    fn call(&mut self, step: &Step) -> Result<Vec<Value>, RuntimeError> {
        let handle = self.handle.as_deref().unwrap_or_default();
        let args = step
            .args
            .iter()
            .map(|arg| match *arg {
                Arg::Value(v) => Ok(v),
                Arg::Setup(i) => handle.get(i).copied().ok_or_else(|| {
                    RuntimeError::Call(format!("the setup returned no value at {i}"))
                }),
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.instance.invoke(&step.export, &args)
    }

    /// The setup where it has not run (or must run again), the timed call, the check: the
    /// check's results (the timed call's without one).
    fn step(&mut self) -> Result<Vec<Value>, RuntimeError> {
        let sequence = Arc::clone(&self.sequence);
        if self.handle.is_some() && self.fresh_setup_per_call {
            self.teardown()?;
        }
        if self.handle.is_none() {
            let handle = match &sequence.setup {
                Some(setup) => {
                    let start = Instant::now();
                    let values = self.call(setup)?;
                    self.setup_ns = Some(start.elapsed().as_nanos() as f64);
                    values
                }
                None => Vec::new(),
            };
            self.handle = Some(handle);
        }
        let start = Instant::now();
        let ran = self.call(&sequence.run)?;
        self.run_ns = Some(start.elapsed().as_nanos() as f64);
        match &sequence.check {
            Some(check) => self.call(check),
            None => Ok(ran),
        }
    }

    /// The teardown, if the setup ran; its time.
    fn teardown(&mut self) -> Result<Option<f64>, RuntimeError> {
        let sequence = Arc::clone(&self.sequence);
        let (Some(teardown), Some(_)) = (&sequence.teardown, &self.handle) else {
            self.handle = None;
            return Ok(None);
        };
        let start = Instant::now();
        let ended = self.call(teardown);
        self.handle = None;
        ended.map(|_| Some(start.elapsed().as_nanos() as f64))
    }
}

impl Instance for Live {
    fn call(&mut self, _input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        Ok(results_text(&self.step()?).into_bytes())
    }

    fn region_ns(&self) -> Option<f64> {
        self.run_ns
    }

    fn lifecycle(&mut self) -> Option<&mut dyn Lifecycle> {
        Some(self)
    }
}

impl Lifecycle for Live {
    fn setup_ns(&self) -> Option<f64> {
        self.setup_ns
    }

    fn finish(&mut self) -> Result<Option<f64>, RuntimeError> {
        self.teardown()
    }

    fn fresh_setup_per_call(&self) -> bool {
        self.fresh_setup_per_call
    }
}

impl Drop for Live {
    /// A host ends what it set up; a teardown that fails here has nobody to tell.
    fn drop(&mut self) {
        let _ = self.teardown();
    }
}
