//! A numeric export of a native library, called with the argument types of the Wasm export it
//! stands for. On x86-64 System V (and AArch64) integer and floating-point arguments travel in
//! two separate register sequences, each filled in order whatever the interleaving, and a
//! result comes back in the first register of its class; so one function type with six integer
//! and eight floating-point parameters calls any `extern "C"` function with up to that many of
//! each, an `i32` or `f32` being the low half of its register. Other targets are refused.

use libloading::Library;

use runtimes::{Compiled, Instance, Invocation, RuntimeError, Value, ValueType};

const INT_REGISTERS: usize = 6;
const FLOAT_REGISTERS: usize = 8;

type Ints = [i64; INT_REGISTERS];
type Floats = [f64; FLOAT_REGISTERS];
/// Every integer and floating-point argument register, and a result of type `R`.
type Call<R> =
    unsafe extern "C" fn(i64, i64, i64, i64, i64, i64, f64, f64, f64, f64, f64, f64, f64, f64) -> R;

/// The export, its arguments in registers, and the type of its one result.
#[derive(Clone)]
pub(super) struct NativeCall {
    function: *const (),
    ints: Ints,
    floats: Floats,
    result: Option<ValueType>,
}

// SAFETY: `function` is the address of a function in a library loaded for the rest of the
// process (`&'static Library`); an address is as valid on any thread. Whether the function
// itself may run on several threads at once is the user's to say, as for any native plugin.
unsafe impl Send for NativeCall {}
unsafe impl Sync for NativeCall {}

impl NativeCall {
    pub(super) fn new(
        library: &'static Library,
        invocation: &Invocation,
    ) -> Result<Self, RuntimeError> {
        if !cfg!(all(
            any(target_arch = "x86_64", target_arch = "aarch64"),
            unix
        )) {
            return Err(RuntimeError::Setup(
                "numeric calls into a native library are wired for x86-64 and AArch64 Unix only"
                    .into(),
            ));
        }
        let name = invocation.export.as_bytes();
        // SAFETY: only the address is taken here; its type is the invocation's (see above).
        let function = *unsafe { library.get::<*const ()>(name) }.map_err(RuntimeError::compile)?;
        let (ints, floats) = registers(&invocation.args)?;
        let result = match invocation.results.as_slice() {
            [] => None,
            [one] => Some(*one),
            _ => {
                return Err(RuntimeError::Setup(
                    "a native function returns at most one value".into(),
                ))
            }
        };
        Ok(Self {
            function,
            ints,
            floats,
            result,
        })
    }
}

fn registers(args: &[Value]) -> Result<(Ints, Floats), RuntimeError> {
    let (mut ints, mut floats) = ([0i64; INT_REGISTERS], [0f64; FLOAT_REGISTERS]);
    let (mut i, mut f) = (0, 0);
    for arg in args {
        let too_many = || {
            RuntimeError::Setup(format!(
                "more than {INT_REGISTERS} integer or {FLOAT_REGISTERS} floating-point arguments"
            ))
        };
        match *arg {
            Value::I32(v) => *ints.get_mut(i).ok_or_else(too_many)? = i64::from(v),
            Value::I64(v) => *ints.get_mut(i).ok_or_else(too_many)? = v,
            Value::F32(bits) => {
                *floats.get_mut(f).ok_or_else(too_many)? = f64::from_bits(u64::from(bits))
            }
            Value::F64(bits) => *floats.get_mut(f).ok_or_else(too_many)? = f64::from_bits(bits),
        }
        match arg {
            Value::I32(_) | Value::I64(_) => i += 1,
            Value::F32(_) | Value::F64(_) => f += 1,
        }
    }
    Ok((ints, floats))
}

impl Compiled for NativeCall {
    fn instantiate(&self) -> Result<Box<dyn Instance>, RuntimeError> {
        Ok(Box::new(self.clone()))
    }
}

impl Instance for NativeCall {
    fn call(&mut self, _input: &[u8]) -> Result<Vec<u8>, RuntimeError> {
        let [a, b, c, d, e, f] = self.ints;
        let [g, h, i, j, k, l, m, n] = self.floats;
        // SAFETY: the library exports the function under the Wasm export's name with its
        // parameter and result types (the user's native build of the same source); the register
        // assignment above makes this call that function's call (module docs).
        let value = unsafe {
            match self.result {
                Some(ValueType::F32 | ValueType::F64) => {
                    let call: Call<f64> = std::mem::transmute(self.function);
                    let bits = call(a, b, c, d, e, f, g, h, i, j, k, l, m, n).to_bits();
                    Some(match self.result {
                        Some(ValueType::F32) => Value::F32(bits as u32),
                        _ => Value::F64(bits),
                    })
                }
                result => {
                    let call: Call<i64> = std::mem::transmute(self.function);
                    let v = call(a, b, c, d, e, f, g, h, i, j, k, l, m, n);
                    match result {
                        Some(ValueType::I32) => Some(Value::I32(v as i32)),
                        Some(_) => Some(Value::I64(v)),
                        None => None,
                    }
                }
            }
        };
        Ok(runtimes::results_text(value.as_slice()).into_bytes())
    }
}
