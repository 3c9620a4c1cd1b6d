//! Every element-wise op, arithmetic op (with broadcasting) and `matmul` against central finite
//! differences, one table row per op; plus a check that the checker catches a wrong derivative.

use autograd::{gradcheck, ArrayD, GradCheck, Op, Tensor};

/// Which values an input takes; every kind keeps `|x| ≥ 0.25`, clear of the kinks of
/// relu/abs/leaky_relu/elu at 0 and of the poles of `1/x`.
#[derive(Clone, Copy)]
enum Domain {
    /// Both signs, `|x|` in {0.25, 0.35, …, 1.35}.
    Any,
    /// The same magnitudes, all positive (for log, sqrt, `x^0.5`).
    Positive,
}

/// Each input's shape and domain.
type Inputs = &'static [(&'static [usize], Domain)];

/// One row: a name for the report, the function of the inputs, and the inputs.
type Row = (&'static str, fn(&[Tensor]) -> Tensor, Inputs);

/// Deterministic test values: magnitudes `0.25 + 0.1·m` (`m` in 0..12), i.e. each 0.05 away from
/// a multiple of 0.1, so the clamp bounds below (−0.5 and 0.8) are never within the step `h`.
/// Signs and magnitudes differ between inputs through `seed`.
fn values(n: usize, seed: usize, domain: Domain) -> Vec<f32> {
    (0..n)
        .map(|k| {
            let magnitude = 0.25 + 0.1 * ((7 * k + 5 * seed + 3) % 12) as f32;
            let negative = matches!(domain, Domain::Any) && (3 * k + seed) % 5 < 2;
            if negative {
                -magnitude
            } else {
                magnitude
            }
        })
        .collect()
}

fn make_inputs(inputs: Inputs) -> Vec<Tensor> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, &(shape, domain))| {
            let n = shape.iter().product();
            Tensor::from_vec(values(n, i, domain), shape)
                .expect("values() makes exactly n elements")
                .requires_grad()
        })
        .collect()
}

use Domain::{Any, Positive};

const MATRIX: Inputs = &[(&[2, 3], Any)];
const POSITIVE_MATRIX: Inputs = &[(&[2, 3], Positive)];
const SAME: Inputs = &[(&[2, 3], Any), (&[2, 3], Any)];
const ROW_MATRIX: Inputs = &[(&[3], Any), (&[2, 3], Any)];
const SCALAR_MATRIX: Inputs = &[(&[], Any), (&[2, 3], Any)];
const COLUMN_ROW: Inputs = &[(&[2, 1], Any), (&[1, 3], Any)];

const ROWS: &[Row] = &[
    // arithmetic, each with same-shape and three broadcasting cases
    ("add [2,3]+[2,3]", |t| &t[0] + &t[1], SAME),
    ("add [3]+[2,3]", |t| &t[0] + &t[1], ROW_MATRIX),
    ("add []+[2,3]", |t| &t[0] + &t[1], SCALAR_MATRIX),
    ("add [2,1]+[1,3]", |t| &t[0] + &t[1], COLUMN_ROW),
    ("sub [2,3]-[2,3]", |t| &t[0] - &t[1], SAME),
    ("sub [3]-[2,3]", |t| &t[0] - &t[1], ROW_MATRIX),
    ("sub []-[2,3]", |t| &t[0] - &t[1], SCALAR_MATRIX),
    ("sub [2,1]-[1,3]", |t| &t[0] - &t[1], COLUMN_ROW),
    ("mul [2,3]*[2,3]", |t| &t[0] * &t[1], SAME),
    ("mul [3]*[2,3]", |t| &t[0] * &t[1], ROW_MATRIX),
    ("mul []*[2,3]", |t| &t[0] * &t[1], SCALAR_MATRIX),
    ("mul [2,1]*[1,3]", |t| &t[0] * &t[1], COLUMN_ROW),
    ("div [2,3]/[2,3]", |t| &t[0] / &t[1], SAME),
    ("div [3]/[2,3]", |t| &t[0] / &t[1], ROW_MATRIX),
    ("div []/[2,3]", |t| &t[0] / &t[1], SCALAR_MATRIX),
    ("div [2,1]/[1,3]", |t| &t[0] / &t[1], COLUMN_ROW),
    ("neg", |t| -&t[0], MATRIX),
    ("add_scalar", |t| t[0].add_scalar(1.5), MATRIX),
    ("mul_scalar", |t| t[0].mul_scalar(-2.5), MATRIX),
    ("x / 2", |t| &t[0] / 2.0, MATRIX),
    ("2 / x", |t| 2.0 / &t[0], MATRIX),
    ("2 - x", |t| 2.0 - &t[0], MATRIX),
    ("powf 2", |t| t[0].powf(2.0), MATRIX),
    ("powf 3", |t| t[0].powf(3.0), MATRIX),
    ("powf 0.5", |t| t[0].powf(0.5), POSITIVE_MATRIX),
    ("powf -1", |t| t[0].powf(-1.0), MATRIX),
    (
        "matmul [2,3]·[3,4]",
        |t| t[0].matmul(&t[1]),
        &[(&[2, 3], Any), (&[3, 4], Any)],
    ),
    // element-wise functions
    ("exp", |t| t[0].exp(), MATRIX),
    ("log", |t| t[0].log(), POSITIVE_MATRIX),
    ("sqrt", |t| t[0].sqrt(), POSITIVE_MATRIX),
    ("abs", |t| t[0].abs(), MATRIX),
    ("clamp -0.5..0.8", |t| t[0].clamp(-0.5, 0.8), MATRIX),
    // activations
    ("relu", |t| t[0].relu(), MATRIX),
    ("leaky_relu 0.1", |t| t[0].leaky_relu(0.1), MATRIX),
    ("elu 1", |t| t[0].elu(1.0), MATRIX),
    ("elu 0.5", |t| t[0].elu(0.5), MATRIX),
    ("sigmoid", |t| t[0].sigmoid(), MATRIX),
    ("tanh", |t| t[0].tanh(), MATRIX),
    ("gelu", |t| t[0].gelu(), MATRIX),
    ("softplus", |t| t[0].softplus(), MATRIX),
];

#[test]
fn every_op_matches_finite_differences() {
    let failures: Vec<String> = ROWS
        .iter()
        .filter_map(|&(name, f, shapes)| {
            let inputs = make_inputs(shapes);
            gradcheck(f, &inputs, GradCheck::default())
                .err()
                .map(|e| format!("{name}: {e}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        ROWS.len(),
        failures.join("\n")
    );
}

#[test]
fn test_values_exercise_both_sides_of_every_kink() {
    // Otherwise a row like relu or clamp would only check one branch of its backward.
    let v = values(6, 0, Any);
    assert!(v.iter().any(|&x| x < -0.5) && v.iter().any(|&x| (-0.5..0.0).contains(&x)));
    assert!(v.iter().any(|&x| (0.0..0.8).contains(&x)) && v.iter().any(|&x| x > 0.8));
    assert!(v.iter().all(|&x| x.abs() >= 0.25));
}

/// `y = 2x` whose backward claims `∂y/∂x = 3`.
struct WrongDouble;

impl Op for WrongDouble {
    fn name(&self) -> &'static str {
        "wrong_double"
    }

    fn backward(
        &self,
        _: &[Tensor],
        _: &ArrayD<f32>,
        grad: ArrayD<f32>,
    ) -> Vec<Option<ArrayD<f32>>> {
        vec![Some(grad * 3.0)]
    }
}

#[test]
fn checker_catches_a_wrong_derivative() {
    let wrong_double =
        |t: &[Tensor]| Tensor::from_op(t[0].value().mapv(|x| 2.0 * x), &[&t[0]], WrongDouble);
    let x = Tensor::from_vec(vec![0.5, -1.0, 2.0], &[3])
        .unwrap()
        .requires_grad();
    let err = gradcheck(wrong_double, &[x], GradCheck::default()).unwrap_err();
    // Off by exactly the factor 3/2 at the first element.
    assert_eq!((err.input, err.index), (0, 0));
    assert!((err.analytic / err.numeric - 1.5).abs() < 1e-3, "{err}");
}
