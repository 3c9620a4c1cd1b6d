//! What the fixture tests share: reading the fixtures, turning `torch.optim` hyperparameters into
//! rules, and the MLP 4 → 8 → 3 problem of `fixtures/pytorch_mlp.json`.
#![allow(dead_code)] // each test binary uses its own part

use autograd::{Parameters, Tensor};
use optim::{Algorithm, Form};
use serde_json::Value;

pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn f32s(v: &Value) -> Vec<f32> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number") as f32)
        .collect()
}

pub fn num(h: &Value, key: &str) -> Option<f32> {
    h.get(key).and_then(Value::as_f64).map(|v| v as f32)
}

/// The optimizer `name` with its defaults in `form` and the given fields set, each named as the
/// struct's field; through serde, so a field the struct does not have is refused.
pub fn rule_with(name: &str, form: Form, fields: Vec<(&str, Value)>) -> Algorithm {
    let rule = Algorithm::defaults(name, form).unwrap_or_else(|| panic!("{name} is a name"));
    let mut json = serde_json::to_value(rule).expect("a rule is plain numbers");
    for (field, value) in fields {
        json[field] = value;
    }
    serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{name} {json}: {e}"))
}

/// `torch.optim` hyperparameters (every one PyTorch used, defaults included) as a rule.
pub fn torch_rule(name: &str, h: &Value) -> Algorithm {
    // Options the Rust optimizers do not offer must be at PyTorch's neutral defaults.
    for (key, neutral) in [
        ("dampening", 0.0),
        ("lr_decay", 0.0),
        ("initial_accumulator_value", 0.0),
    ] {
        assert_eq!(
            num(h, key).unwrap_or(neutral as f32),
            neutral as f32,
            "unsupported torch option {key}"
        );
    }
    for key in ["centered", "amsgrad", "maximize"] {
        assert_ne!(
            h.get(key),
            Some(&Value::Bool(true)),
            "unsupported torch option {key}"
        );
    }
    // PyTorch's names of our fields: `rho` (Adadelta) and `alpha` (RMSprop) are our γ.
    let mut fields = Vec::new();
    for (theirs, ours) in [
        ("lr", "lr"),
        ("momentum", "momentum"),
        ("rho", "gamma"),
        ("alpha", "gamma"),
        ("eps", "eps"),
        ("weight_decay", "weight_decay"),
    ] {
        // RMSprop's own `momentum` is not offered: it must be 0 (and is not set).
        match h.get(theirs) {
            Some(v) if !(theirs == "momentum" && v.as_f64() == Some(0.0)) => {
                fields.push((ours, v.clone()))
            }
            _ => {}
        }
    }
    if let Some(betas) = h.get("betas") {
        fields.push(("beta1", betas[0].clone()));
        fields.push(("beta2", betas[1].clone()));
    }
    rule_with(name, Form::PyTorch, fields)
}

/// The course fixture's hyperparameters (named as our fields) as a rule.
pub fn course_rule(name: &str, h: &Value) -> Algorithm {
    let fields = h
        .as_object()
        .expect("an object")
        .iter()
        // `eps_inside_sqrt: false` is written for every optimizer; only Adam has the field.
        .filter(|(k, v)| !(k.as_str() == "eps_inside_sqrt" && **v == Value::Bool(false)))
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    rule_with(name, Form::Course, fields)
}

/// A problem: its parameter registry and a loss for step `t` (1-based) built from autograd ops.
pub trait Problem {
    fn params(&self) -> Parameters;
    fn loss(&self, params: &Parameters, t: usize) -> Tensor;
}

/// The MLP 4 → 8 → 3 of `pytorch_mlp.json`: `relu(x·W1ᵀ + b1)·W2ᵀ + b2`, mean cross-entropy.
pub struct Mlp {
    pub init: Vec<(String, Vec<usize>, Vec<f32>)>,
    pub inputs: Vec<Tensor>,
    pub labels: Vec<Vec<usize>>,
}

impl Mlp {
    pub fn from_fixture(f: &Value) -> Mlp {
        let init = ["0.weight", "0.bias", "2.weight", "2.bias"]
            .iter()
            .map(|&n| {
                let shape: Vec<usize> = f["shapes"][n]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d.as_u64().unwrap() as usize)
                    .collect();
                (n.to_string(), shape, f32s(&f["init"][n]))
            })
            .collect();
        let inputs = f["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| Tensor::from_vec(f32s(b), &[5, 4]).unwrap())
            .collect();
        let labels = f["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                b.as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l.as_u64().unwrap() as usize)
                    .collect()
            })
            .collect();
        Mlp {
            init,
            inputs,
            labels,
        }
    }
}

impl Problem for Mlp {
    fn params(&self) -> Parameters {
        let mut p = Parameters::new();
        for (name, shape, values) in &self.init {
            p.push(
                name.clone(),
                Tensor::from_vec(values.clone(), shape)
                    .unwrap()
                    .requires_grad(),
            );
        }
        p
    }

    fn loss(&self, params: &Parameters, t: usize) -> Tensor {
        let w = |n: &str| params.get(n).unwrap();
        let x = &self.inputs[t - 1];
        let h = (&x.matmul(&w("0.weight").t()) + w("0.bias")).relu();
        let logits = &h.matmul(&w("2.weight").t()) + w("2.bias");
        logits.cross_entropy(&self.labels[t - 1])
    }
}
